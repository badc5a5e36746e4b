use std::time::Instant;
use tingle::engine::layer::{LayerSettings, Scatter, ScatterMode};
use tingle::engine::rhythm::{RhythmRate, RhythmSettings};
use tingle::engine::{Engine, EngineSettings, InputChannels};
use tingle::room::RoomKind;
use tingle::triggers::Family;
fn layer(family: Family, variant: usize, rate: f32, character: [f32; 4]) -> LayerSettings {
    LayerSettings { enabled: true, family, variant, character,
        rhythm: RhythmSettings { rate: Some(RhythmRate::PerSecond(rate)), ..RhythmSettings::default() },
        ..LayerSettings::default() }
}
fn dense() -> EngineSettings {
    let sc = |mut l: LayerSettings| { l.scatter = Scatter { mode: ScatterMode::Spread, spread_deg: 120.0, distance_octaves: 1.0 }; l };
    EngineSettings { layers: [
        layer(Family::Water, 1, 0.125, [0.5, tingle::triggers::water::density_control(200.0), 1.0, 0.5]),
        layer(Family::Tap, 0, 8.0, [0.5, 0.8, 0.5, 0.5]),
        layer(Family::Whisper, 0, 0.3, [0.5, 0.5, 0.5, 0.6]),
        layer(Family::Scratch, 1, 0.8, [0.5; 4]),
        layer(Family::Paper, 0, 0.5, [0.5; 4]),
        layer(Family::Fire, 0, 0.1, [0.5, 0.5, 0.5, 1.0]),
        sc(layer(Family::Tap, 1, 4.0, [0.4, 1.0, 0.5, 0.5])),
        sc(layer(Family::Water, 0, 6.0, [0.5; 4])),
    ], ..EngineSettings::default() }
}
fn time(s: &EngineSettings) -> f64 {
    let mut e = Engine::new(48_000.0, 64);
    e.set_settings(s); e.reset();
    let (mut l, mut r) = ([0.0f32; 64], [0.0f32; 64]);
    for _ in 0..(48_000 * 5 / 64) { l.fill(0.0); r.fill(0.0); e.process(&mut l, &mut r, InputChannels::None); }
    let t = Instant::now();
    for _ in 0..(48_000 * 10 / 64) { l.fill(0.0); r.fill(0.0); e.process(&mut l, &mut r, InputChannels::None); }
    t.elapsed().as_secs_f64() / 10.0 * 100.0
}
#[test]
#[ignore]
fn timing() {
    let dry = dense();
    let mut room = dense(); room.room.kind = RoomKind::Bedroom;
    for _ in 0..2 {
        println!("dry {:.3} %  room {:.3} %", time(&dry), time(&room));
    }
}
