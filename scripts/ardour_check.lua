-- Tingle in Ardour, headless (run by scripts/ardour_check.sh through ardour7-lua, with the
-- bundle scanned and the VST3 presets installed under $HOME/.vst3).
--
-- Builds two sessions and saves them for ardour7-export:
--   <dir>/instrument: a MIDI track with a fresh "Tingle" (no notes);
--   <dir>/placer:     an audio track with a fresh "Tingle Placer" (no regions).
-- On the way it checks what Ardour offers: a layer's Sound stepping through every family's
-- variants, Motion through its modes, and the factory scenes among the plugin's presets. Each check prints "PASS ..." or "FAIL ..."; the shell script counts them.

local dir = os.getenv("TINGLE_ARDOUR_DIR")
local RATE = 48000
local SCENES = 20
-- Every family's variants: a layer's Sound list.
local SOUNDS = 25
-- Off, orbit, ear to ear, figure eight, drift.
local MOTIONS = 5

local function check(ok, what)
  print((ok and "PASS " or "FAIL ") .. what)
end

local function plugin_info(name)
  for p in ARDOUR.LuaAPI.list_plugins():iter() do
    if p.name == name and p.type == ARDOUR.PluginType.VST3 then return p end
  end
end

-- How many steps Ardour offers for parameter `label` of `plugin` (nil if it is not stepped).
-- Ardour 7.3 reads the VST3 list flag but keeps a list as a stepped control (it makes a
-- drop-down only from scale points, which its VST3 host does not build) and shows each step
-- with the plugin's own text ("Water: Droplet"); its Lua API has no call for that text.
local function steps(plugin, label)
  for i = 0, plugin:parameter_count() - 1 do
    local _, pd = plugin:get_parameter_descriptor(i, ARDOUR.ParameterDescriptor())
    local d = pd[2]
    if d.label == label then
      if not d.integer_step then return nil end
      return math.floor(d.upper - d.lower + 0.5) + 1
    end
  end
end

local function count(t)
  local n = 0
  for _ in pairs(t or {}) do n = n + 1 end
  return n
end

-- Connects the track's two outputs to the master bus (the headless session does not).
local function to_master(track)
  local out = track:output()
  out:connect(out:nth(0), "Master/audio_in 1", nil)
  out:connect(out:nth(1), "Master/audio_in 2", nil)
end

local function new_session(name)
  local s = create_session(dir .. "/" .. name, name, RATE)
  assert(s, "creating session " .. name)
  return s
end

AudioEngine:set_backend("None (Dummy)", "", "")
AudioEngine:start(false)

-- Ardour lists its plugins once a session is open.
local s = new_session("instrument")
local info = plugin_info("Tingle")
check(info ~= nil, "Ardour lists the Tingle VST3")
local presets = {}
for pset in info:get_presets():iter() do presets[pset.label] = true end
check(count(presets) >= SCENES and presets["Rain on a Window"] and presets["Gentle Start"],
  "Tingle's presets hold the " .. SCENES .. " factory scenes (" .. count(presets) .. " listed)")
local midi = ARDOUR.ChanCount(ARDOUR.DataType("midi"), 1)
local stereo = ARDOUR.ChanCount(ARDOUR.DataType("audio"), 2)
local track = s:new_midi_track(midi, stereo, true, info, nil, nil, 1, "Tingle",
  ARDOUR.PresentationInfo.max_order, ARDOUR.TrackMode.Normal, true, false):front()
to_master(track)
local plugin = track:nth_plugin(0):to_insert():plugin(0)
check(steps(plugin, "L1 Sound") == SOUNDS,
  "L1 Sound steps through all " .. SOUNDS .. " sounds (" .. tostring(steps(plugin, "L1 Sound")) .. ")")
check(steps(plugin, "Motion") == MOTIONS, "Motion steps through its " .. MOTIONS .. " modes")
s:save_state("")
close_session()

s = new_session("placer")
local placer = plugin_info("Tingle Placer")
check(placer ~= nil, "Ardour lists the Tingle Placer VST3")
local audio = s:new_audio_track(2, 2, nil, 1, "Vocal", ARDOUR.PresentationInfo.max_order,
  ARDOUR.TrackMode.Normal, true):front()
to_master(audio)
local proc = ARDOUR.LuaAPI.new_plugin(s, placer.unique_id, ARDOUR.PluginType.VST3, "")
check(not proc:isnil() and audio:add_processor_by_index(proc, 0, nil, true) == 0,
  "Tingle Placer inserted on an audio track")
s:save_state("")
close_session()
