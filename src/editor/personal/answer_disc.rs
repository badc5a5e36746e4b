//! The ear match's answer disc: the sphere of directions around the listener seen from above,
//! flattened so one click gives both direction and height. The centre is straight above, the
//! ring is ear level, the rim is [`LOWEST_ELEVATION_DEG`] below it; front is up, the right ear
//! to the right. A small head in the middle shows which way the listener faces.

use crate::editor::theme;
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2, vec2};

/// Elevation at the centre of the disc (degrees): straight above.
pub const TOP_ELEVATION_DEG: f32 = 90.0;
/// Elevation at the disc's rim (degrees, below ear level).
pub const LOWEST_ELEVATION_DEG: f32 = -45.0;
/// The head's radius as a share of the disc's.
const HEAD_SHARE: f32 = 0.09;
/// Radius of an answer's mark (points).
const MARK_RADIUS: f32 = 7.0;
/// Width of the rings' strokes (points).
const RING_STROKE: f32 = 1.0;
/// Size of the labels (points).
const LABEL_SIZE: f32 = 12.0;
/// Room kept around the disc for the side labels (points).
const LABEL_ROOM: f32 = LABEL_SIZE * 3.0;
/// Elevations drawn as faint rings besides ear level (degrees).
const GUIDE_ELEVATIONS_DEG: [f32; 2] = [45.0, -30.0];

/// Where the disc was drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscGeometry {
    /// The disc's centre (points).
    pub center: Pos2,
    /// Its radius (points).
    pub radius: f32,
}

impl DiscGeometry {
    /// The direction at screen point `pos`: (azimuth, elevation) in degrees, azimuth 0 in
    /// front and positive to the right (-180 ..= 180), elevation from the rim's
    /// [`LOWEST_ELEVATION_DEG`] to [`TOP_ELEVATION_DEG`] (points beyond the rim count as on it).
    pub fn heading_at(&self, pos: Pos2) -> (f32, f32) {
        let d = pos - self.center;
        let share = (d.length() / self.radius).min(1.0);
        let elevation = TOP_ELEVATION_DEG - share * (TOP_ELEVATION_DEG - LOWEST_ELEVATION_DEG);
        let azimuth = d.x.atan2(-d.y).to_degrees();
        (azimuth, elevation)
    }

    /// The screen point of direction (`azimuth_deg`, `elevation_deg`), elevation clamped to
    /// the disc's range.
    pub fn point_of(&self, azimuth_deg: f32, elevation_deg: f32) -> Pos2 {
        let elevation = elevation_deg.clamp(LOWEST_ELEVATION_DEG, TOP_ELEVATION_DEG);
        let share = (TOP_ELEVATION_DEG - elevation) / (TOP_ELEVATION_DEG - LOWEST_ELEVATION_DEG);
        let a = azimuth_deg.to_radians();
        self.center + vec2(a.sin(), -a.cos()) * share * self.radius
    }

    /// The radius of elevation `elevation_deg`'s ring (points).
    fn ring(&self, elevation_deg: f32) -> f32 {
        (self.point_of(0.0, elevation_deg) - self.center).length()
    }
}

/// Draws the disc in a `side` x `side` square, with `marks` (azimuth, elevation, opacity
/// 0 ..= 1) as answers given; when `enabled`, returns the direction the listener clicked.
pub fn show(
    ui: &mut Ui,
    side: f32,
    enabled: bool,
    marks: &[(f32, f32, f32)],
) -> (DiscGeometry, Option<(f32, f32)>) {
    let sense = if enabled {
        Sense::click()
    } else {
        Sense::hover()
    };
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(side), sense);
    let g = DiscGeometry {
        center: rect.center(),
        radius: side * 0.5 - LABEL_ROOM,
    };
    draw(ui, rect, &g);
    let painter = ui.painter_at(rect);
    for &(azimuth, elevation, opacity) in marks {
        let colour = theme::ANSWER_MARK.gamma_multiply(opacity.clamp(0.0, 1.0));
        painter.circle_stroke(
            g.point_of(azimuth, elevation),
            MARK_RADIUS,
            Stroke::new(2.0, colour),
        );
    }
    if enabled && let Some(pos) = response.hover_pos() {
        painter.circle_filled(pos, MARK_RADIUS * 0.5, theme::ANSWER_MARK);
        ui.ctx().set_cursor_icon(egui::CursorIcon::Crosshair);
    }
    let clicked = response
        .clicked()
        .then(|| response.interact_pointer_pos())
        .flatten()
        .map(|pos| g.heading_at(pos));
    (g, clicked)
}

/// The floor, the rings, the head and the labels.
fn draw(ui: &Ui, rect: Rect, g: &DiscGeometry) {
    let painter = ui.painter_at(rect);
    let font = FontId::proportional(LABEL_SIZE);
    painter.circle_filled(g.center, g.radius, theme::BELOW_EAR_LEVEL);
    painter.circle_filled(g.center, g.ring(0.0), theme::FLOOR);
    painter.circle_stroke(
        g.center,
        g.ring(0.0),
        Stroke::new(RING_STROKE * 2.0, theme::RING),
    );
    for e in GUIDE_ELEVATIONS_DEG {
        painter.circle_stroke(g.center, g.ring(e), Stroke::new(RING_STROKE, theme::RING));
    }
    painter.circle_stroke(g.center, g.radius, Stroke::new(RING_STROKE, theme::RING));
    // The head from above: nose to the front, ears to the sides.
    let head = g.radius * HEAD_SHARE;
    let outline = Stroke::new(1.5, theme::HEAD_OUTLINE);
    painter.add(Shape::convex_polygon(
        vec![
            g.center + vec2(-head * 0.35, -head * 0.9),
            g.center + vec2(0.0, -head * 1.35),
            g.center + vec2(head * 0.35, -head * 0.9),
        ],
        theme::HEAD,
        outline,
    ));
    for x in [-1.0, 1.0] {
        painter.circle_filled(
            g.center + vec2(x * head, 0.0),
            head * 0.28,
            theme::HEAD_OUTLINE,
        );
    }
    painter.circle(g.center, head, theme::HEAD, outline);
    let text = |pos: Pos2, align: Align2, label: &str, colour: Color32| {
        painter.text(pos, align, label, font.clone(), colour);
    };
    let edge = g.radius + 4.0;
    text(
        g.center + vec2(0.0, -edge),
        Align2::CENTER_BOTTOM,
        "front",
        theme::RING_TEXT,
    );
    text(
        g.center + vec2(0.0, edge),
        Align2::CENTER_TOP,
        "behind",
        theme::RING_TEXT,
    );
    text(
        g.center + vec2(-edge, 0.0),
        Align2::RIGHT_CENTER,
        "left",
        theme::RING_TEXT,
    );
    text(
        g.center + vec2(edge, 0.0),
        Align2::LEFT_CENTER,
        "right",
        theme::RING_TEXT,
    );
    let ear = g.ring(0.0);
    let diagonal = vec2(1.0, 1.0).normalized();
    text(
        g.center + diagonal * (ear + 3.0),
        Align2::LEFT_TOP,
        "ear level",
        theme::RING_TEXT,
    );
    text(
        g.center + diagonal * (g.radius - 2.0),
        Align2::RIGHT_BOTTOM,
        "below",
        theme::RING_TEXT,
    );
    text(
        g.center + vec2(0.0, head * 1.6),
        Align2::CENTER_TOP,
        "above",
        theme::RING_TEXT,
    );
}
