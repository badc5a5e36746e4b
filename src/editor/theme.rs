//! Colours and visuals: one colour per layer, used for its handle, its motion path, its flashes
//! and its strip, so the eye links them.

use crate::engine::LAYERS;
use egui::{Color32, Context, FontFamily, FontId, TextStyle, Visuals};

/// The layers' colours, layer 1 first: distinct hues of similar brightness on the dark
/// background.
pub const LAYER_COLOURS: [Color32; LAYERS] = [
    Color32::from_rgb(0xff, 0x8a, 0x5c), // coral
    Color32::from_rgb(0x5c, 0xc8, 0xff), // sky
    Color32::from_rgb(0xa6, 0xe2, 0x5c), // lime
    Color32::from_rgb(0xe0, 0x7b, 0xf0), // orchid
    Color32::from_rgb(0xff, 0xd2, 0x4d), // amber
    Color32::from_rgb(0x4d, 0xe0, 0xb8), // teal
    Color32::from_rgb(0xff, 0x6b, 0x9a), // rose
    Color32::from_rgb(0x9a, 0x9c, 0xff), // periwinkle
];

/// The input source's colour.
pub const INPUT_COLOUR: Color32 = Color32::from_rgb(0xf2, 0xf2, 0xf2);
/// The window background.
pub const BACKGROUND: Color32 = Color32::from_rgb(0x1b, 0x1d, 0x22);
/// The head view's floor.
pub const FLOOR: Color32 = Color32::from_rgb(0x22, 0x25, 0x2c);
/// The near-field zone (closer than 1 m).
pub const NEAR_FIELD: Color32 = Color32::from_rgb(0x2d, 0x2a, 0x3a);
/// Distance rings and their labels.
pub const RING: Color32 = Color32::from_rgb(0x4a, 0x4f, 0x5a);
/// The room's walls in the head view.
pub const ROOM_WALL: Color32 = Color32::from_rgb(0x8a, 0x7a, 0x5e);
/// Text on rings and axes.
pub const RING_TEXT: Color32 = Color32::from_rgb(0x9a, 0xa0, 0xab);
/// The listener's head.
pub const HEAD: Color32 = Color32::from_rgb(0xc9, 0xb8, 0xa6);
/// The head's outline, nose and ears.
pub const HEAD_OUTLINE: Color32 = Color32::from_rgb(0x8a, 0x7a, 0x6a);
/// The tingle button just after a mark.
pub const TINGLE_GLOW: Color32 = Color32::from_rgb(0xff, 0xd9, 0x8a);
/// The ear match's answer disc below ear level.
pub const BELOW_EAR_LEVEL: Color32 = Color32::from_rgb(0x1f, 0x2a, 0x30);
/// Where the listener clicked on the ear match's disc.
pub const ANSWER_MARK: Color32 = Color32::from_rgb(0x5c, 0xc8, 0xff);
/// Meter bars below -6 dBFS.
pub const METER_OK: Color32 = Color32::from_rgb(0x5c, 0xd6, 0x7a);
/// Meter bars from -6 dBFS up.
pub const METER_HOT: Color32 = Color32::from_rgb(0xff, 0xb0, 0x3b);
/// The limiter's gain reduction.
pub const METER_REDUCTION: Color32 = Color32::from_rgb(0xff, 0x5c, 0x5c);
/// Empty meter track.
pub const METER_TRACK: Color32 = Color32::from_rgb(0x30, 0x33, 0x3b);

/// Body text size (points).
const BODY_SIZE: f32 = 13.0;
/// Heading size (points).
const HEADING_SIZE: f32 = 16.0;
/// Small text size (points).
const SMALL_SIZE: f32 = 11.0;

/// The colour of layer `index` (0-based).
pub fn layer_colour(index: usize) -> Color32 {
    LAYER_COLOURS[index % LAYERS]
}

/// Sets Tingle's dark visuals and text sizes on `ctx`.
pub fn apply(ctx: &Context) {
    let mut visuals = Visuals::dark();
    visuals.panel_fill = BACKGROUND;
    visuals.window_fill = BACKGROUND;
    // Both the light and the dark style get these visuals: the editor looks the same whatever
    // theme the host or the system prefers.
    ctx.all_styles_mut(|style| {
        style.visuals = visuals.clone();
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(HEADING_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Body,
                FontId::new(BODY_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Button,
                FontId::new(BODY_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(SMALL_SIZE, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(BODY_SIZE, FontFamily::Monospace),
            ),
        ]
        .into();
    });
}
