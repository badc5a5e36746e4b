//! Choosing the HRTF set: loads the set a session asks for (the built-in KEMAR set or the
//! user's SOFA file) off the audio thread, hands it to the running engine through its
//! [`HrtfSender`], and keeps what the editor shows: the set in use, the one loading, and why
//! the last choice was refused. A refused file leaves the set in use as it is.

use super::Engine;
use super::hrtf_swap::HrtfSender;
use crate::binaural::cache::{self, HrtfChoice};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

/// Sample rate (Hz) at which a choice made before any activation is checked.
const UNACTIVATED_RATE_HZ: f32 = 48_000.0;

/// What the editor shows about the HRTF set.
#[derive(Debug, Clone, PartialEq)]
pub struct HrtfStatus {
    /// The set the engine renders with (or will, once activated).
    pub in_use: HrtfChoice,
    /// A set being loaded, if any.
    pub loading: Option<HrtfChoice>,
    /// Why the last set asked for could not be used, if it could not.
    pub error: Option<String>,
}

/// The running engine's side, as of its last activation.
struct Session {
    /// The engine's sample rate (Hz), once activated.
    sample_rate: Option<f32>,
    /// Counts activations: a set built for an earlier one is built again.
    generation: u64,
    /// The line to the engine, once activated (until an engine gives none).
    sender: Option<HrtfSender>,
}

/// State shared by the plugin, the editor and the loading threads.
struct Shared {
    session: Mutex<Session>,
    status: Mutex<HrtfStatus>,
    /// The saved choice (a persisted parameter field: empty for KEMAR, else the file's path).
    saved: Arc<RwLock<String>>,
    /// Number of the latest request; an older request that finishes later is dropped.
    latest_request: AtomicU64,
}

/// Loads HRTF sets for one plugin instance; cheap to clone (all clones share one state).
#[derive(Clone)]
pub struct HrtfLoader {
    shared: Arc<Shared>,
}

/// Takes a lock even if a thread panicked while holding it (the data stays consistent: every
/// update is a single assignment).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl HrtfLoader {
    /// A loader whose choice is saved in `saved` (empty for KEMAR, else a SOFA file's path).
    pub fn new(saved: Arc<RwLock<String>>) -> Self {
        let choice = HrtfChoice::from_saved(&saved.read().unwrap_or_else(PoisonError::into_inner));
        Self {
            shared: Arc::new(Shared {
                session: Mutex::new(Session {
                    sample_rate: None,
                    generation: 0,
                    sender: None,
                }),
                status: Mutex::new(HrtfStatus {
                    in_use: choice,
                    loading: None,
                    error: None,
                }),
                saved,
                latest_request: AtomicU64::new(0),
            }),
        }
    }

    /// A new engine for `sample_rate` (Hz) and blocks of up to `max_block` samples, rendering
    /// with the saved choice, or with KEMAR if the saved file cannot be used (the reason is
    /// shown; the choice stays saved, so that the file is tried again next time). Sets chosen
    /// from now on go to this engine. Call from `activate()`: may take a second or so.
    pub fn new_engine(&self, sample_rate: f32, max_block: usize) -> Engine {
        let saved = self
            .shared
            .saved
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let choice = HrtfChoice::from_saved(&saved);
        // Held throughout, so that no set chosen meanwhile goes to the old engine unseen.
        let mut session = lock(&self.shared.session);
        let (set, in_use, error) = match cache::set_at(&choice, sample_rate) {
            Ok(set) => (set, choice, None),
            Err(e) => (
                cache::kemar_at(sample_rate),
                HrtfChoice::Kemar,
                Some(format!(
                    "Could not use the saved HRTF {}: {e}. Using {} instead.",
                    choice.name(),
                    HrtfChoice::Kemar.name()
                )),
            ),
        };
        let mut engine = Engine::with_hrtf(sample_rate, max_block, set);
        session.sample_rate = Some(sample_rate);
        session.generation += 1;
        session.sender = engine.take_hrtf_sender();
        let mut status = lock(&self.shared.status);
        status.in_use = in_use;
        if status.loading.is_none() {
            status.error = error;
        }
        engine
    }

    /// What the editor shows.
    pub fn status(&self) -> HrtfStatus {
        lock(&self.shared.status).clone()
    }

    /// Loads `choice` on a background thread and, if it can be used, hands it to the engine
    /// (which glides to it) and saves it as the session's choice; otherwise keeps the set in
    /// use and shows why. A later request supersedes this one.
    pub fn request(&self, choice: HrtfChoice) {
        let id = self.shared.latest_request.fetch_add(1, Ordering::SeqCst) + 1;
        lock(&self.shared.status).loading = Some(choice.clone());
        let shared = self.shared.clone();
        std::thread::spawn(move || load(&shared, &choice, id));
    }
}

/// The body of a request: builds the set for the current session and hands it over, again if
/// the session changed meanwhile.
fn load(shared: &Shared, choice: &HrtfChoice, id: u64) {
    let superseded = || shared.latest_request.load(Ordering::SeqCst) != id;
    loop {
        let (sample_rate, generation) = {
            let session = lock(&shared.session);
            (session.sample_rate, session.generation)
        };
        let result = cache::set_at(choice, sample_rate.unwrap_or(UNACTIVATED_RATE_HZ));
        if superseded() {
            return;
        }
        let set = match result {
            Ok(set) => set,
            Err(e) => {
                let mut status = lock(&shared.status);
                status.error = Some(format!(
                    "Could not use {}: {e}. Still using {}.",
                    choice.name(),
                    status.in_use.name()
                ));
                status.loading = None;
                return;
            }
        };
        let mut session = lock(&shared.session);
        if session.generation != generation {
            continue;
        }
        let sent = match &mut session.sender {
            Some(sender) => sender.send(set).is_ok(),
            // Not activated yet: the next activation loads the saved choice.
            None => true,
        };
        drop(session);
        let mut status = lock(&shared.status);
        status.loading = None;
        if sent {
            *shared.saved.write().unwrap_or_else(PoisonError::into_inner) = choice.to_saved();
            status.in_use = choice.clone();
            status.error = None;
        } else {
            status.error = Some(format!(
                "Could not hand {} to the audio engine (it is not running); try again.",
                choice.name()
            ));
        }
        return;
    }
}
