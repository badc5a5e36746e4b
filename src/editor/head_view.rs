//! The head view: the listener's head seen from above (nose up), distance rings on a log scale,
//! a handle per source to drag, each layer's motion path and the triggers flashing where they
//! sounded.
//!
//! Azimuth follows the parameters: 0° is in front (up on screen), positive to the right (90° is
//! the right ear). Distance runs on a log scale from the head's edge (0.1 m) to the outer ring
//! (10 m). Elevation lifts a source up the screen (an oblique view from above and behind), with
//! a stem down to where it stands on the floor, so an orbit's tilt and a figure eight show.

use super::controls::set_value;
use super::{EditorState, Selection, theme};
use crate::binaural::Position;
use crate::binaural::distance::{MAX_DISTANCE_M, MIN_DISTANCE_M};
use crate::engine::LAYERS;
use crate::engine::motion::{Motion, MotionMode, MotionRate};
use crate::engine::tempo::Transport;
use crate::params::{PlacementParams, TingleParams};
use crate::room::{RoomDesign, RoomSettings};
use egui::emath::Rot2;
use egui::{
    Align2, Color32, FontId, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2,
};
use nice_plug::prelude::*;

/// Distances with a labelled ring (metres).
pub const RING_DISTANCES_M: [f32; 6] = [0.2, 0.5, 1.0, 2.0, 5.0, 10.0];
/// The near field ends here (metres): closer sources get the strong ear-level cues.
pub use crate::binaural::distance::NEAR_FIELD_M;
/// A flash fades out over this long (seconds).
pub const FLASH_FADE_S: f64 = 1.0;
/// The head's radius as a share of the outer ring's.
const HEAD_SHARE: f32 = 0.09;
/// The nearest distance's ring sits this many head radii from the centre.
const NEAREST_RING_HEADS: f32 = 1.35;
/// Space between the view's edge and the outer ring, for the axis labels (points).
const MARGIN: f32 = 20.0;
/// Screen lift per degree of elevation, as a share of the outer ring's radius.
const LIFT_PER_DEGREE: f32 = 0.0025;
/// Radius of a source handle (points).
pub const HANDLE_RADIUS: f32 = 9.0;
/// Elevation change per point of vertical Shift-drag (degrees).
const ELEVATION_DEG_PER_POINT: f32 = 0.5;
/// Points along one motion cycle's path.
const PATH_SAMPLES: usize = 96;
/// Points per wall of the room's outline.
const ROOM_EDGE_SAMPLES: usize = 24;
/// Drift cycles sampled to find the region a drift wanders in.
const DRIFT_CYCLES: usize = 48;
/// Samples per sampled drift cycle.
const DRIFT_SAMPLES_PER_CYCLE: usize = 8;
/// Points along an edge of the drift region.
const REGION_SAMPLES: usize = 48;
/// Opacity of a motion path's line.
const PATH_ALPHA: f32 = 0.55;
/// Opacity of a drift region's fill.
const REGION_ALPHA: f32 = 0.14;
/// Radius of a fresh flash (points); it grows as it fades.
const FLASH_RADIUS: f32 = 7.0;
/// Growth of a flash over its life, as a multiple of its first radius.
const FLASH_GROWTH: f32 = 1.5;
/// Share of a flash's opacity that does not depend on the trigger's intensity.
const FLASH_BASE_ALPHA: f32 = 0.35;
/// Radius of the marker at a moving source's current position (points).
const LIVE_RADIUS: f32 = 4.0;
/// Azimuth where the ring labels sit (degrees): behind, a little to the right.
const RING_LABEL_AZIMUTH: f32 = 160.0;
/// Azimuth of the near-field label (degrees).
const NEAR_FIELD_LABEL_AZIMUTH: f32 = -150.0;
/// Elevation below which a stem is not drawn (degrees).
const STEM_MIN_DEG: f32 = 0.5;
/// Label text size (points).
const LABEL_SIZE: f32 = 11.0;

/// Maps between the parameters' polar coordinates and the screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeadGeometry {
    /// The centre of the head.
    pub centre: Pos2,
    /// Radius of the 10 m ring (points).
    pub outer: f32,
    /// Radius of the head (points).
    pub head: f32,
    /// Radius of the 0.1 m ring (points).
    pub inner: f32,
}

impl HeadGeometry {
    /// The geometry of a view drawn in `rect`.
    pub fn new(rect: Rect) -> Self {
        let outer = (rect.width().min(rect.height()) * 0.5 - MARGIN).max(MARGIN);
        let head = outer * HEAD_SHARE;
        Self {
            centre: rect.center(),
            outer,
            head,
            inner: head * NEAREST_RING_HEADS,
        }
    }

    /// The radius (points) where `distance_m` sits, on a log scale.
    pub fn radius_of(&self, distance_m: f32) -> f32 {
        let (lo, hi) = (MIN_DISTANCE_M.log10(), MAX_DISTANCE_M.log10());
        let t = ((distance_m.max(MIN_DISTANCE_M).log10() - lo) / (hi - lo)).clamp(0.0, 1.0);
        self.inner + t * (self.outer - self.inner)
    }

    /// The distance (metres) at `radius` points from the centre.
    pub fn distance_at(&self, radius: f32) -> f32 {
        let (lo, hi) = (MIN_DISTANCE_M.log10(), MAX_DISTANCE_M.log10());
        let t = ((radius - self.inner) / (self.outer - self.inner)).clamp(0.0, 1.0);
        10f32.powf(lo + t * (hi - lo))
    }

    /// How far up the screen `elevation_deg` lifts a source (points).
    fn lift(&self, elevation_deg: f32) -> f32 {
        elevation_deg * LIFT_PER_DEGREE * self.outer
    }

    /// Where a source at `azimuth_deg` and `distance_m` stands on the floor.
    pub fn floor_point(&self, azimuth_deg: f32, distance_m: f32) -> Pos2 {
        let r = self.radius_of(distance_m);
        let a = azimuth_deg.to_radians();
        pos2(self.centre.x + r * a.sin(), self.centre.y - r * a.cos())
    }

    /// Where a source at `p` is drawn (lifted by its elevation).
    pub fn to_screen(&self, p: &Position) -> Pos2 {
        self.floor_point(p.azimuth_deg, p.distance_m) - vec2(0.0, self.lift(p.elevation_deg))
    }

    /// Azimuth (degrees, -180 ..= 180) and distance (metres) of a source drawn at `pos` with
    /// `elevation_deg`.
    pub fn from_screen(&self, pos: Pos2, elevation_deg: f32) -> (f32, f32) {
        let v = pos + vec2(0.0, self.lift(elevation_deg)) - self.centre;
        (v.x.atan2(-v.y).to_degrees(), self.distance_at(v.length()))
    }
}

/// A handle being dragged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HandleDrag {
    /// Whose handle.
    pub source: Selection,
    /// Shift-drag: vertical movement sets the elevation instead of the direction and distance.
    pub elevation: bool,
    /// The elevation when the drag began (degrees).
    start_elevation: f32,
}

/// The placement parameters of `source`.
pub fn placement_of(params: &TingleParams, source: Selection) -> &PlacementParams {
    match source {
        Selection::Input => &params.input,
        Selection::Layer(i) => &params.layers[i].placement,
    }
}

/// The points one motion cycle of `placement` passes through, or the outline of the region a
/// drift wanders in (closed), computed with the engine's own [`Motion`]. `None` without motion.
pub fn motion_path(placement: &PlacementParams) -> Option<(Vec<Position>, bool)> {
    let settings = placement.motion();
    let set = placement.position();
    let transport = Transport::default();
    let at = |phase: f64| {
        let mut motion = Motion::default();
        motion.advance(phase, MotionRate::Hertz(1.0), &transport, None);
        motion.offset(settings.mode, settings.depth)
    };
    let moved = |azimuth_offset: f32, elevation_offset: f32, factor: f32| Position {
        azimuth_deg: set.azimuth_deg + azimuth_offset,
        elevation_deg: crate::ranges::ELEVATION_DEG.clamp(set.elevation_deg + elevation_offset),
        distance_m: (set.distance_m * factor).clamp(MIN_DISTANCE_M, MAX_DISTANCE_M),
    };
    match settings.mode {
        MotionMode::Off => None,
        MotionMode::Orbit | MotionMode::EarToEar | MotionMode::FigureEight => {
            let points = (0..=PATH_SAMPLES)
                .map(|k| {
                    let o = at(k as f64 / PATH_SAMPLES as f64);
                    moved(o.azimuth_deg, o.elevation_deg, o.distance_factor)
                })
                .collect();
            Some((points, false))
        }
        MotionMode::Drift => {
            // The region: the extremes the drift reaches over many cycles.
            let (mut az, mut factor) = ((0f32, 0f32), (1f32, 1f32));
            for k in 0..DRIFT_CYCLES * DRIFT_SAMPLES_PER_CYCLE {
                let o = at(k as f64 / DRIFT_SAMPLES_PER_CYCLE as f64);
                az = (az.0.min(o.azimuth_deg), az.1.max(o.azimuth_deg));
                factor = (
                    factor.0.min(o.distance_factor),
                    factor.1.max(o.distance_factor),
                );
            }
            let edge = |t: f32| az.0 + (az.1 - az.0) * t;
            let outer = (0..=REGION_SAMPLES)
                .map(|k| moved(edge(k as f32 / REGION_SAMPLES as f32), 0.0, factor.1));
            let inner = (0..=REGION_SAMPLES)
                .rev()
                .map(|k| moved(edge(k as f32 / REGION_SAMPLES as f32), 0.0, factor.0));
            Some((outer.chain(inner).collect(), true))
        }
    }
}

/// Draws the head view in a `side` × `side` square and handles dragging the handles.
pub fn show(
    ui: &mut Ui,
    params: &TingleParams,
    setter: &ParamSetter,
    state: &mut EditorState,
    side: f32,
) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(side), Sense::hover());
    state.head_rect = Some(rect);
    let geometry = HeadGeometry::new(rect);
    // The head turns as the Head Yaw parameter and the tracker turn it (seen from above).
    let tracked = state.tracking.as_ref().map_or(0.0, |t| t.turn().yaw_deg);
    draw_floor(ui, &geometry, rect, params.head_yaw.value() + tracked);
    draw_room(ui, &geometry, params, rect);

    // Motion paths under everything that moves.
    for (i, layer) in params.layers.iter().enumerate() {
        if shown(params, Selection::Layer(i)) {
            draw_path(ui, &geometry, &layer.placement, theme::layer_colour(i));
        }
    }
    draw_path(ui, &geometry, &params.input, theme::INPUT_COLOUR);
    draw_flashes(ui, &geometry, state);

    // Handles: the input, the other layers, then the selected one on top.
    let mut order = [Selection::Input; LAYERS + 1];
    let mut n = 1;
    for i in (0..LAYERS).filter(|i| Selection::Layer(*i) != state.selection) {
        order[n] = Selection::Layer(i);
        n += 1;
    }
    if let Selection::Layer(i) = state.selection {
        order[n] = Selection::Layer(i);
        n += 1;
    }
    for source in &order[..n] {
        if shown(params, *source) {
            handle(ui, params, setter, state, &geometry, *source);
        }
    }
}

/// Whether `source` has a handle: the input always, a layer while it is on.
fn shown(params: &TingleParams, source: Selection) -> bool {
    match source {
        Selection::Input => true,
        Selection::Layer(i) => params.layers[i].enabled.value(),
    }
}

/// The floor: near-field zone, rings with labels, axis labels, and the head with nose and ears,
/// turned `yaw_deg` degrees to the right.
fn draw_floor(ui: &Ui, g: &HeadGeometry, rect: Rect, yaw_deg: f32) {
    let painter = ui.painter_at(rect);
    let font = FontId::proportional(LABEL_SIZE);
    painter.circle_filled(g.centre, g.outer, theme::FLOOR);
    painter.circle_filled(g.centre, g.radius_of(NEAR_FIELD_M), theme::NEAR_FIELD);
    for d in RING_DISTANCES_M {
        painter.circle_stroke(g.centre, g.radius_of(d), Stroke::new(1.0, theme::RING));
        let label = if d < 1.0 {
            format!("{d:.1} m")
        } else {
            format!("{d:.0} m")
        };
        painter.text(
            g.floor_point(RING_LABEL_AZIMUTH, d),
            Align2::CENTER_CENTER,
            label,
            font.clone(),
            theme::RING_TEXT,
        );
    }
    let near_label_at = g.floor_point(
        NEAR_FIELD_LABEL_AZIMUTH,
        g.distance_at((g.radius_of(NEAR_FIELD_M) + g.radius_of(RING_DISTANCES_M[1])) * 0.5),
    );
    painter.text(
        near_label_at,
        Align2::CENTER_CENTER,
        "near field",
        font.clone(),
        theme::RING_TEXT,
    );
    let edge = g.outer + MARGIN * 0.5;
    for (offset, align, text) in [
        (vec2(0.0, -edge), Align2::CENTER_CENTER, "front"),
        (vec2(0.0, edge), Align2::CENTER_CENTER, "behind"),
        (vec2(-edge, 0.0), Align2::CENTER_CENTER, "L"),
        (vec2(edge, 0.0), Align2::CENTER_CENTER, "R"),
    ] {
        painter.text(
            g.centre + offset,
            align,
            text,
            font.clone(),
            theme::RING_TEXT,
        );
    }
    // Ears, nose, then the head over their inner halves; on screen (y down) a positive angle
    // turns clockwise, to the right.
    let turn = Rot2::from_angle(yaw_deg.to_radians());
    let at = |offset: Vec2| g.centre + turn * offset;
    let ear = vec2(g.head * 0.35, g.head * 0.7) * 0.5;
    for side in [-1.0, 1.0] {
        let middle = vec2(side * g.head, 0.0);
        let corners = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
            .map(|(x, y)| at(middle + vec2(x * ear.x, y * ear.y)));
        painter.add(Shape::convex_polygon(
            corners.to_vec(),
            theme::HEAD_OUTLINE,
            Stroke::NONE,
        ));
    }
    let nose = vec2(g.head * 0.3, g.head * 0.35);
    painter.add(Shape::convex_polygon(
        vec![
            at(vec2(-nose.x, -g.head + nose.y * 0.5)),
            at(vec2(0.0, -g.head - nose.y)),
            at(vec2(nose.x, -g.head + nose.y * 0.5)),
        ],
        theme::HEAD_OUTLINE,
        Stroke::NONE,
    ));
    painter.circle(
        g.centre,
        g.head,
        theme::HEAD,
        Stroke::new(1.5, theme::HEAD_OUTLINE),
    );
}

/// The room's walls seen from above (on the view's log scale the box bulges: near walls sit
/// far out from the head's edge), when a room with walls is on.
fn draw_room(ui: &Ui, g: &HeadGeometry, params: &TingleParams, rect: Rect) {
    let settings = RoomSettings {
        kind: params.room.value(),
        size: params.room_size.value(),
        damping: params.room_damping.value(),
        level_db: params.room_level.value(),
    };
    let Some(design) = RoomDesign::new(&settings).filter(|d| !d.ground_only) else {
        return;
    };
    let [w, l, _] = design.dimensions_m;
    let [x0, y0, _] = design.listener_m;
    // The corners relative to the listener (x right, y ahead), round the walls.
    let corners = [(-x0, -y0), (w - x0, -y0), (w - x0, l - y0), (-x0, l - y0)];
    let mut points = Vec::with_capacity(4 * ROOM_EDGE_SAMPLES);
    for (i, &(ax, ay)) in corners.iter().enumerate() {
        let (bx, by) = corners[(i + 1) % corners.len()];
        for s in 0..ROOM_EDGE_SAMPLES {
            let t = s as f32 / ROOM_EDGE_SAMPLES as f32;
            let (x, y) = (ax + t * (bx - ax), ay + t * (by - ay));
            points.push(g.floor_point(x.atan2(y).to_degrees(), x.hypot(y)));
        }
    }
    ui.painter_at(rect).add(Shape::closed_line(
        points,
        Stroke::new(1.5, theme::ROOM_WALL),
    ));
}

/// A motion path (a line) or drift region (a translucent band) in `colour`.
fn draw_path(ui: &Ui, g: &HeadGeometry, placement: &PlacementParams, colour: Color32) {
    let Some((points, region)) = motion_path(placement) else {
        return;
    };
    let screen: Vec<Pos2> = points.iter().map(|p| g.to_screen(p)).collect();
    let painter = ui.painter();
    if region {
        // The band between the near and far edges, drawn as a thick line along its middle.
        let half = screen.len() / 2;
        let middle: Vec<Pos2> = (0..half)
            .map(|k| screen[k].lerp(screen[screen.len() - 1 - k], 0.5))
            .collect();
        let width = screen[0].distance(screen[screen.len() - 1]);
        painter.add(Shape::line(
            middle,
            Stroke::new(width, colour.gamma_multiply(REGION_ALPHA)),
        ));
        painter.add(Shape::closed_line(
            screen,
            Stroke::new(1.0, colour.gamma_multiply(PATH_ALPHA)),
        ));
    } else {
        painter.add(Shape::line(
            screen,
            Stroke::new(1.5, colour.gamma_multiply(PATH_ALPHA)),
        ));
    }
}

/// The triggers of the last [`FLASH_FADE_S`], where they sounded, fading.
fn draw_flashes(ui: &Ui, g: &HeadGeometry, state: &EditorState) {
    let now = ui.input(|i| i.time);
    let painter = ui.painter();
    for flash in state.flashes() {
        let age = ((now - flash.time) / FLASH_FADE_S).clamp(0.0, 1.0) as f32;
        let alpha = (1.0 - age) * (FLASH_BASE_ALPHA + (1.0 - FLASH_BASE_ALPHA) * flash.intensity);
        let colour = theme::layer_colour(flash.layer).gamma_multiply(alpha);
        let at = g.to_screen(&flash.position);
        let radius = FLASH_RADIUS * (1.0 + FLASH_GROWTH * age);
        painter.circle_filled(at, radius, colour.gamma_multiply(0.5));
        painter.circle_stroke(at, radius, Stroke::new(1.5, colour));
    }
}

/// A source's handle: drawn at its set position (with a marker where it is now, when it
/// moves), draggable, and selecting its strip when clicked.
fn handle(
    ui: &mut Ui,
    params: &TingleParams,
    setter: &ParamSetter,
    state: &mut EditorState,
    g: &HeadGeometry,
    source: Selection,
) {
    let placement = placement_of(params, source);
    let position = placement.position();
    let at = g.to_screen(&position);
    let (colour, label, name) = match source {
        Selection::Input => (theme::INPUT_COLOUR, "In".to_owned(), "Input".to_owned()),
        Selection::Layer(i) => (
            theme::layer_colour(i),
            (i + 1).to_string(),
            format!(
                "Layer {} ({})",
                i + 1,
                params.layers[i].sound.value().family.info().name
            ),
        ),
    };
    let id = ui.scope_id().with(("tingle-handle", source));
    let response = ui
        .interact(
            Rect::from_center_size(at, Vec2::splat(HANDLE_RADIUS * 2.0 + 4.0)),
            id,
            Sense::click_and_drag(),
        )
        .on_hover_text(format!(
            "{name}: {:.1}°, {:.2} m, elevation {:.0}°. Drag to move it; Shift-drag up or down to raise or lower it; double-click for ear level.",
            position.azimuth_deg, position.distance_m, position.elevation_deg
        ));
    if response.clicked() || response.drag_started() {
        state.selection = source;
    }
    if response.double_clicked() {
        level_elevation(params, setter, source);
    }
    drag(ui, &response, placement, setter, state, g, source);

    let painter = ui.painter();
    if position.elevation_deg.abs() > STEM_MIN_DEG {
        let floor = g.floor_point(position.azimuth_deg, position.distance_m);
        painter.line_segment(
            [floor, at],
            Stroke::new(1.0, colour.gamma_multiply(PATH_ALPHA)),
        );
        painter.circle_filled(floor, 2.0, colour.gamma_multiply(PATH_ALPHA));
    }
    if let Some(now) = state.live_position(source)
        && placement.motion.value() != MotionMode::Off
    {
        painter.circle_stroke(g.to_screen(&now), LIVE_RADIUS, Stroke::new(1.5, colour));
    }
    let highlight = response.hovered() || response.dragged() || state.selection == source;
    let ring = if highlight {
        Color32::WHITE
    } else {
        theme::BACKGROUND
    };
    painter.circle(at, HANDLE_RADIUS, colour, Stroke::new(2.0, ring));
    painter.text(
        at,
        Align2::CENTER_CENTER,
        label,
        FontId::proportional(LABEL_SIZE),
        theme::BACKGROUND,
    );
}

/// Dragging a handle: direction and distance follow the pointer; with Shift held when the drag
/// began, vertical movement sets the elevation. Each drag is one automation gesture per
/// parameter it moves.
fn drag(
    ui: &Ui,
    response: &Response,
    placement: &PlacementParams,
    setter: &ParamSetter,
    state: &mut EditorState,
    g: &HeadGeometry,
    source: Selection,
) {
    if response.drag_started() {
        let elevation = ui.input(|i| i.modifiers.shift);
        if elevation {
            setter.begin_set_parameter(&placement.elevation);
        } else {
            setter.begin_set_parameter(&placement.azimuth);
            setter.begin_set_parameter(&placement.distance);
        }
        state.drag = Some(HandleDrag {
            source,
            elevation,
            start_elevation: placement.elevation.value(),
        });
    }
    let Some(current) = state.drag.filter(|d| d.source == source) else {
        return;
    };
    if response.dragged() {
        if current.elevation {
            let dy = response.total_drag_delta().map_or(0.0, |d| d.y);
            let elevation = current.start_elevation - dy * ELEVATION_DEG_PER_POINT;
            setter.set_parameter(&placement.elevation, elevation);
        } else if let Some(pointer) = response.interact_pointer_pos() {
            let (azimuth, distance) = g.from_screen(pointer, placement.elevation.value());
            setter.set_parameter(&placement.azimuth, azimuth);
            setter.set_parameter(&placement.distance, distance.log10());
        }
    }
    if response.drag_stopped() {
        end_drag(&current, placement, setter);
        state.drag = None;
    }
}

/// Ends the gestures `drag` began.
pub fn end_drag(drag: &HandleDrag, placement: &PlacementParams, setter: &ParamSetter) {
    if drag.elevation {
        setter.end_set_parameter(&placement.elevation);
    } else {
        setter.end_set_parameter(&placement.azimuth);
        setter.end_set_parameter(&placement.distance);
    }
}

/// Resets the elevation of `source` to ear level (a complete gesture).
fn level_elevation(params: &TingleParams, setter: &ParamSetter, source: Selection) {
    set_value(setter, &placement_of(params, source).elevation, 0.0);
}
