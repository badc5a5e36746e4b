//! The trigger families side by side: which families exist, and a sound bank that plays any of
//! them (building a family's sound in place when the family changes, which never allocates).

use super::{Excitation, FamilyInfo, TriggerSound};

/// Declares the families once: the `Family` enum (the first is the default), its info table
/// and the `SoundBank`.
macro_rules! families {
    ($first:ident => $first_module:ident :: $first_sound:ident
     $(, $variant:ident => $module:ident :: $sound:ident)* $(,)?) => {
        /// A trigger family.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub enum Family {
            #[doc = concat!("See [`super::", stringify!($first_module), "`].")]
            #[default]
            $first,
            $(
                #[doc = concat!("See [`super::", stringify!($module), "`].")]
                $variant,
            )*
        }

        impl Family {
            /// Every family, in the order users see them.
            pub const ALL: &'static [Family] = &[Family::$first $(, Family::$variant)*];
            /// Their names, in the same order.
            pub const NAMES: &'static [&'static str] =
                &[super::$first_module::INFO.name $(, super::$module::INFO.name)*];
            /// Their stable identifiers (for saved state), in the same order.
            pub const IDS: &'static [&'static str] = &[stringify!($first_module) $(, stringify!($module))*];

            /// The family's name, variants and controls.
            pub fn info(self) -> &'static FamilyInfo {
                match self {
                    Family::$first => &super::$first_module::INFO,
                    $(Family::$variant => &super::$module::INFO,)*
                }
            }
        }

        /// The sound of one family, whichever is playing.
        #[derive(Debug, Clone)]
        // Each variant is held inline, as large as the largest family's sound: a boxed one
        // would allocate when a voice changes family.
        #[allow(clippy::large_enum_variant)]
        enum AnySound {
            $first(super::$first_module::$first_sound),
            $($variant(super::$module::$sound),)*
        }

        impl AnySound {
            /// An idle sound of `family` at `sample_rate` (Hz).
            fn new(family: Family, sample_rate: f32) -> Self {
                match family {
                    Family::$first => Self::$first(super::$first_module::$first_sound::new(sample_rate)),
                    $(Family::$variant => Self::$variant(super::$module::$sound::new(sample_rate)),)*
                }
            }

            /// Its family.
            fn family(&self) -> Family {
                match self {
                    Self::$first(_) => Family::$first,
                    $(Self::$variant(_) => Family::$variant,)*
                }
            }

            fn start(&mut self, excitation: &Excitation) {
                match self {
                    Self::$first(sound) => sound.start(excitation),
                    $(Self::$variant(sound) => sound.start(excitation),)*
                }
            }

            fn add_to(&mut self, out: &mut [f32]) -> bool {
                match self {
                    Self::$first(sound) => sound.add_to(out),
                    $(Self::$variant(sound) => sound.add_to(out),)*
                }
            }

            fn make_way(&mut self, after: usize) -> f32 {
                match self {
                    Self::$first(sound) => sound.make_way(after),
                    $(Self::$variant(sound) => sound.make_way(after),)*
                }
            }

            fn strike_again(&mut self, after: usize, intensity: f32) -> bool {
                match self {
                    Self::$first(sound) => sound.strike_again(after, intensity),
                    $(Self::$variant(sound) => sound.strike_again(after, intensity),)*
                }
            }

            fn carry_on(&mut self, handed_over: f32) {
                match self {
                    Self::$first(sound) => sound.carry_on(handed_over),
                    $(Self::$variant(sound) => sound.carry_on(handed_over),)*
                }
            }

            fn samples_left(&self) -> usize {
                match self {
                    Self::$first(sound) => sound.samples_left(),
                    $(Self::$variant(sound) => sound.samples_left(),)*
                }
            }

            fn stacks(&self) -> bool {
                match self {
                    Self::$first(sound) => sound.stacks(),
                    $(Self::$variant(sound) => sound.stacks(),)*
                }
            }

            fn engaged(&self) -> bool {
                match self {
                    Self::$first(sound) => sound.engaged(),
                    $(Self::$variant(sound) => sound.engaged(),)*
                }
            }
        }

        /// Plays a trigger of any family, one at a time. It holds one family's sound and builds
        /// another family's in place when a trigger of that family starts: every family's sound
        /// keeps its state inline (no heap), so that never allocates, and a voice needs room for
        /// one sound, not one of each.
        #[derive(Debug, Clone)]
        pub struct SoundBank {
            /// The sound of the family last started.
            sound: AnySound,
            /// Sample rate (Hz) the sounds are built for.
            sample_rate: f32,
            /// Whether a trigger is playing.
            playing: bool,
        }

        impl SoundBank {
            /// An idle bank at `sample_rate` (Hz).
            pub fn new(sample_rate: f32) -> Self {
                Self {
                    sound: AnySound::new(Family::default(), sample_rate),
                    sample_rate,
                    playing: false,
                }
            }

            /// Starts a trigger of `family`, replacing whatever was playing.
            pub fn start(&mut self, family: Family, excitation: &Excitation) {
                if self.sound.family() != family {
                    self.sound = AnySound::new(family, self.sample_rate);
                }
                self.sound.start(excitation);
                self.playing = true;
            }

            /// Adds the playing trigger's next samples to `out`; `false` once it has finished.
            pub fn add_to(&mut self, out: &mut [f32]) -> bool {
                self.playing = self.playing && self.sound.add_to(out);
                self.playing
            }

            /// A newer trigger of the layer starts `after` samples into the next block this
            /// bank renders; returns what the playing trigger hands over to it (see
            /// [`TriggerSound::make_way`]).
            pub fn make_way(&mut self, after: usize) -> f32 {
                if self.playing { self.sound.make_way(after) } else { 0.0 }
            }

            /// Plays a newer trigger of the layer on the playing one, struck again, `after`
            /// samples into the next block this bank renders; returns whether it did (see
            /// [`TriggerSound::strike_again`]).
            pub fn strike_again(&mut self, after: usize, intensity: f32) -> bool {
                self.playing && self.sound.strike_again(after, intensity)
            }

            /// The trigger just started carries on what older ones handed over (see
            /// [`TriggerSound::carry_on`]).
            pub fn carry_on(&mut self, handed_over: f32) {
                self.sound.carry_on(handed_over);
            }

            /// Samples the playing trigger has yet to play, as planned (0 when none plays: see
            /// [`TriggerSound::samples_left`]).
            pub fn samples_left(&self) -> usize {
                if self.playing { self.sound.samples_left() } else { 0 }
            }

            /// Whether the playing trigger adds up with the layer's newer ones (see
            /// [`TriggerSound::stacks`]); `false` when none plays.
            pub fn stacks(&self) -> bool {
                self.playing && self.sound.stacks()
            }

            /// Whether the playing trigger must not be cut short (see
            /// [`TriggerSound::engaged`]); `false` when none plays.
            pub fn engaged(&self) -> bool {
                self.playing && self.sound.engaged()
            }
        }
    };
}

families! {
    Tap => tap::Tap,
    Scratch => scratch::Scratch,
    Paper => paper::Paper,
    Water => water::Water,
    Whisper => whisper::Whisper,
    Fire => fire::Fire,
    Tone => tone::Tone,
    Sample => sample::Sample,
}

impl SoundBank {
    /// The Sample family's sound, to hand it its clip before a Sample trigger starts: built in
    /// place (no allocation) if the bank holds another family's sound, so the start that
    /// follows keeps what it was handed.
    pub fn sample_sound(&mut self) -> &mut super::sample::Sample {
        if !matches!(self.sound, AnySound::Sample(_)) {
            self.sound = AnySound::Sample(TriggerSound::new(self.sample_rate));
            self.playing = false;
        }
        match &mut self.sound {
            AnySound::Sample(sound) => sound,
            _ => unreachable!("just built"),
        }
    }

    /// Lets a Sample sound go of its set (see [`super::sample::Sample::release`]); other
    /// families' sounds hold none.
    pub fn release_sample(&mut self) {
        if let AnySound::Sample(sound) = &mut self.sound {
            sound.release();
        }
    }
}
