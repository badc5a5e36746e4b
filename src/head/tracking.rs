//! One instance's head tracking, shared by the plugin and its editor: the OSC receiver with the
//! settings saved in the session, its status for the editor, and the tracker's latest turn for
//! the head view. The audio thread holds the receiver's [`TrackerFeed`] on its own.

use super::osc::{OscReceiver, OscSettings, RecenterHandle, StatusSnapshot, TrackerFeed};
use super::{Rotation, YawPitchRoll};
use atomic_float::AtomicF32;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// The receiver, its saved settings and what the editor shows of it.
pub struct HeadTracking {
    /// The receiver (configured from the main or GUI thread only).
    receiver: Mutex<OscReceiver>,
    /// The settings saved with the session (the parameters' persistent field).
    settings: Arc<RwLock<OscSettings>>,
    /// The settings the receiver was last configured with.
    applied: Mutex<Option<OscSettings>>,
    /// Asks the audio thread's feed to take the tracker's present direction as the front.
    recenter: RecenterHandle,
    /// The tracker's latest turn (degrees: yaw, pitch, roll), for the editor.
    turn: [AtomicF32; 3],
}

impl HeadTracking {
    /// Head tracking over the saved `settings` (not listening until [`HeadTracking::apply`]),
    /// and the audio thread's end of its receiver.
    pub fn new(settings: Arc<RwLock<OscSettings>>) -> (Arc<Self>, TrackerFeed) {
        let (receiver, feed) = OscReceiver::new();
        let tracking = Self {
            receiver: Mutex::new(receiver),
            settings,
            applied: Mutex::new(None),
            recenter: feed.recenter_handle(),
            turn: Default::default(),
        };
        (Arc::new(tracking), feed)
    }

    /// The saved settings.
    pub fn settings(&self) -> OscSettings {
        self.settings
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Saves new settings and listens as they say.
    pub fn set_settings(&self, settings: OscSettings) {
        *self
            .settings
            .write()
            .unwrap_or_else(PoisonError::into_inner) = settings;
        self.apply();
    }

    /// Listens as the saved settings say (after a session was loaded, say), if the receiver
    /// does not already. Opens or closes a socket: never call it from the audio thread.
    pub fn apply(&self) {
        let settings = self.settings();
        let mut applied = self.applied.lock().unwrap_or_else(PoisonError::into_inner);
        if applied.as_ref() == Some(&settings) {
            return;
        }
        self.receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .configure(&settings);
        *applied = Some(settings);
    }

    /// Makes the tracker's present direction the front (at the audio thread's next block).
    pub fn recenter(&self) {
        self.recenter.request();
    }

    /// The receiver's state for the editor's status line.
    pub fn status(&self) -> StatusSnapshot {
        self.receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .status()
            .snapshot()
    }

    /// Notes the tracker's latest turn for the editor (the audio thread: atomic stores only).
    pub fn show_turn(&self, turn: Rotation) {
        let ypr = turn.to_ypr();
        for (shown, value) in self
            .turn
            .iter()
            .zip([ypr.yaw_deg, ypr.pitch_deg, ypr.roll_deg])
        {
            shown.store(value, Ordering::Relaxed);
        }
    }

    /// The tracker's latest turn (zero without a tracker).
    pub fn turn(&self) -> YawPitchRoll {
        let [yaw_deg, pitch_deg, roll_deg] =
            self.turn.each_ref().map(|v| v.load(Ordering::Relaxed));
        YawPitchRoll {
            yaw_deg,
            pitch_deg,
            roll_deg,
        }
    }
}
