//! The master section's head rows: the listener's head turned by the Head Yaw, Pitch and Roll
//! parameters and Recenter, and the OSC head tracker's settings with its status, so a user sees
//! at once whether the tracker reaches Tingle.

use super::controls::shown_name;
use super::master::drag_value;
use super::{EditorState, theme};
use crate::head::HeadTracking;
use crate::head::osc::{OscSettings, StatusSnapshot};
use crate::params::TingleParams;
use egui::{DragValue, RichText, Ui};
use nice_plug::prelude::*;

/// Drag speed of the head's angles (degrees per point).
const ANGLE_SPEED: f64 = 0.5;
/// Ports a user may choose (below 1024 needs administrator rights on most systems).
const PORTS: std::ops::RangeInclusive<u16> = 1024..=65535;

/// Draws the head rows.
pub fn show(ui: &mut Ui, params: &TingleParams, setter: &ParamSetter, state: &EditorState) {
    ui.horizontal(|ui| {
        for (param, tip) in [
            (&params.head_yaw, YAW_TIP),
            (&params.head_pitch, PITCH_TIP),
            (&params.head_roll, ROLL_TIP),
        ] {
            ui.label(shown_name(param.name())).on_hover_text(tip);
            drag_value(ui, param, setter, ANGLE_SPEED, 0, tip);
        }
        if let Some(tracking) = &state.tracking
            && ui.button("Recenter").on_hover_text(RECENTER_TIP).clicked()
        {
            tracking.recenter();
        }
    });
    if let Some(tracking) = &state.tracking {
        tracker_row(ui, tracking);
    }
}

/// The tracker's settings and, while it listens, what arrives.
fn tracker_row(ui: &mut Ui, tracking: &HeadTracking) {
    let before = tracking.settings();
    let mut settings = before.clone();
    ui.horizontal(|ui| {
        ui.checkbox(&mut settings.enabled, "Head tracker (OSC)")
            .on_hover_text(TRACKER_TIP);
        ui.label("Port").on_hover_text(PORT_TIP);
        ui.add(DragValue::new(&mut settings.port).range(PORTS))
            .on_hover_text(PORT_TIP);
        ui.checkbox(&mut settings.all_interfaces, "From other devices")
            .on_hover_text(INTERFACES_TIP);
    });
    if settings != before {
        tracking.set_settings(settings.clone());
    }
    if settings.enabled {
        let status = tracking.status();
        let (text, ok) = status_text(&status, &settings);
        let colour = if ok {
            theme::RING_TEXT
        } else {
            theme::METER_HOT
        };
        ui.label(RichText::new(text).color(colour).small());
    }
}

/// The status line: where it listens and what arrives, or why it cannot listen (and whether
/// that is good news).
pub fn status_text(status: &StatusSnapshot, settings: &OscSettings) -> (String, bool) {
    if let Some(error) = &status.last_error {
        return (error.clone(), false);
    }
    let at = status
        .address
        .map_or_else(|| settings.socket_addr().to_string(), |a| a.to_string());
    match (&status.last_osc_address, status.messages_per_second) {
        (Some(address), rate) if rate > 0 => (
            format!("Listening on {at}: {address} at {rate} messages/s"),
            true,
        ),
        (Some(address), _) => (
            format!("Listening on {at}: last {address}, now silent"),
            true,
        ),
        (None, _) if status.ignored > 0 => (
            format!(
                "Listening on {at}: nothing usable yet ({})",
                status.last_ignored.as_deref().unwrap_or("ignored")
            ),
            false,
        ),
        (None, _) => (format!("Listening on {at}: nothing received yet"), true),
    }
}

/// Tooltips.
const YAW_TIP: &str = "Turns the listener's head to the right (positive) or left. Sources that \
     stay with the world keep their place in the room; a head tracker's turn adds to it.";
const PITCH_TIP: &str = "Tilts the listener's face up (positive) or down.";
const ROLL_TIP: &str = "Tilts the listener's head towards the right (positive) or left shoulder.";
const RECENTER_TIP: &str = "Makes the direction the head tracker faces now the front.";
const TRACKER_TIP: &str = "Listen for a head tracker's orientation over OSC (SPARTA /ypr, IEM \
     /SceneRotator/ypr or /quaternions, APL Virtuoso /Virtuoso/quat, /yaw /pitch /roll): see \
     docs/HEAD_TRACKING.md.";
const PORT_TIP: &str = "The UDP port the tracker sends to (9000 by default, as SPARTA and IEM).";
const INTERFACES_TIP: &str = "Also listen to a phone or another computer on the network; off, \
     only programs on this computer reach Tingle.";

#[cfg(test)]
mod tests {
    use super::*;

    /// The status line says where Tingle listens and what arrives, or why it cannot listen.
    #[test]
    fn the_status_line_reads_the_receivers_state() {
        let settings = OscSettings {
            enabled: true,
            ..OscSettings::default()
        };
        let in_use = StatusSnapshot {
            last_error: Some("UDP port 9000 is in use by another program".into()),
            ..StatusSnapshot::default()
        };
        assert_eq!(
            status_text(&in_use, &settings),
            ("UDP port 9000 is in use by another program".into(), false)
        );
        let quiet = StatusSnapshot {
            listening: true,
            ..StatusSnapshot::default()
        };
        assert_eq!(
            status_text(&quiet, &settings).0,
            "Listening on 127.0.0.1:9000: nothing received yet"
        );
        let busy = StatusSnapshot {
            listening: true,
            last_osc_address: Some("/ypr".into()),
            messages_per_second: 100,
            ..StatusSnapshot::default()
        };
        assert_eq!(
            status_text(&busy, &settings),
            (
                "Listening on 127.0.0.1:9000: /ypr at 100 messages/s".into(),
                true
            )
        );
        let wrong = StatusSnapshot {
            listening: true,
            ignored: 3,
            last_ignored: Some("/foo: unknown address".into()),
            ..StatusSnapshot::default()
        };
        let (text, ok) = status_text(&wrong, &settings);
        assert!(text.contains("/foo: unknown address") && !ok, "{text}");
    }
}
