//! The background loader: a thread that loads sound sets as asked and hands them to the audio
//! thread through a wait-free queue, takes back the sets the audio thread has finished with and
//! frees them, and tells the editor how each layer's loading went.

use super::set::{FileReport, SampleSet};
use crate::handover;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Sets in flight to the audio thread at once (two per layer of eight).
const QUEUE_SETS: usize = 16;
/// How often the loader looks for returned sets and retries deliveries while idle (ms).
const TIDY_MS: u64 = 20;

/// A finished set for one layer.
#[derive(Debug)]
pub struct Delivery {
    /// The layer (0-based).
    pub layer: usize,
    /// Its new sounds.
    pub set: Arc<SampleSet>,
}

/// The audio thread's end of the sample line (a [`handover`](crate::handover) line): new sets
/// in, in order; sets no longer used back out, to be freed by the loader. Wait-free, never
/// allocates.
pub type SampleInbox = handover::Receiver<Delivery, Arc<SampleSet>>;

/// The loading side's end of a [`SampleInbox`].
pub type SampleOutbox = handover::Sender<Delivery, Arc<SampleSet>>;

/// A connected pair of ends. Allocates.
pub fn sample_queue() -> (SampleOutbox, SampleInbox) {
    handover::line(QUEUE_SETS)
}

/// Where a layer's loading stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum LoadState {
    /// No files chosen.
    #[default]
    Empty,
    /// Loading (the layer plays its previous sounds meanwhile).
    Loading,
    /// Done: each file's report, in order, and a note (files left out), if any.
    Done(Vec<FileReport>, Option<String>),
}

/// What the editor shows of a layer's sounds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerStatus {
    /// What was chosen (files or folders).
    pub chosen: Vec<PathBuf>,
    /// Where the loading stands.
    pub state: LoadState,
}

/// What the loader is asked.
enum Request {
    /// Load layer `layer`'s chosen files.
    Load(usize, Vec<PathBuf>),
    /// Hand sets to a new engine at this sample rate (Hz) from now on, and give it every
    /// layer's current sounds.
    Connect(f32, SampleOutbox),
}

/// The handle of the loader thread (the thread ends when the handle is dropped).
pub struct SampleLoader {
    requests: Sender<Request>,
    status: Arc<Mutex<Vec<LayerStatus>>>,
}

impl SampleLoader {
    /// Starts a loader for `layers` layers.
    pub fn start(layers: usize) -> Self {
        let (requests, inbox) = channel();
        let status = Arc::new(Mutex::new(vec![LayerStatus::default(); layers]));
        let mut worker = Worker {
            status: status.clone(),
            chosen: vec![Vec::new(); layers],
            sets: vec![None; layers],
            sample_rate: None,
            outbox: None,
            pending: Vec::new(),
        };
        std::thread::Builder::new()
            .name("tingle-samples".into())
            .spawn(move || worker.run(&inbox))
            .expect("the sample loader thread starts");
        Self { requests, status }
    }

    /// Loads `chosen` (files or folders) for `layer` in the background; the layer keeps its
    /// current sounds until the new ones are ready. An empty list clears the layer.
    pub fn load(&self, layer: usize, chosen: Vec<PathBuf>) {
        if let Ok(mut status) = self.status.lock()
            && let Some(s) = status.get_mut(layer)
        {
            s.chosen = chosen.clone();
            s.state = if chosen.is_empty() {
                LoadState::Empty
            } else {
                LoadState::Loading
            };
        }
        let _ = self.requests.send(Request::Load(layer, chosen));
    }

    /// A new engine's inbox at `sample_rate` (Hz): every layer's sounds go there from now on
    /// (loaded again if the rate changed).
    pub fn connect(&self, sample_rate: f32) -> SampleInbox {
        let (outbox, inbox) = sample_queue();
        let _ = self.requests.send(Request::Connect(sample_rate, outbox));
        inbox
    }

    /// Layer `layer`'s status (a copy).
    pub fn status(&self, layer: usize) -> LayerStatus {
        self.status
            .lock()
            .ok()
            .and_then(|s| s.get(layer).cloned())
            .unwrap_or_default()
    }
}

/// The loader thread's state.
struct Worker {
    status: Arc<Mutex<Vec<LayerStatus>>>,
    chosen: Vec<Vec<PathBuf>>,
    /// Each layer's latest set, at `sample_rate`.
    sets: Vec<Option<Arc<SampleSet>>>,
    sample_rate: Option<f32>,
    outbox: Option<SampleOutbox>,
    /// Deliveries waiting for room in the queue.
    pending: Vec<Delivery>,
}

impl Worker {
    /// Serves requests until the handle is dropped.
    fn run(&mut self, requests: &Receiver<Request>) {
        loop {
            match requests.recv_timeout(Duration::from_millis(TIDY_MS)) {
                Ok(first) => {
                    // Only the latest request per layer counts.
                    let mut batch = vec![first];
                    batch.extend(requests.try_iter());
                    self.serve(batch);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            self.tidy();
        }
    }

    /// Serves a batch of requests, loading each layer once.
    fn serve(&mut self, batch: Vec<Request>) {
        let mut dirty = vec![false; self.chosen.len()];
        for request in batch {
            match request {
                Request::Load(layer, chosen) if layer < self.chosen.len() => {
                    self.chosen[layer] = chosen;
                    dirty[layer] = true;
                }
                Request::Load(..) => {}
                Request::Connect(rate, outbox) => {
                    if self.sample_rate != Some(rate) {
                        self.sets.iter_mut().for_each(|s| *s = None);
                        dirty.iter_mut().for_each(|d| *d = true);
                    }
                    self.sample_rate = Some(rate);
                    self.outbox = Some(outbox);
                    self.pending.clear();
                    for (layer, set) in self.sets.iter().enumerate() {
                        if let Some(set) = set.as_ref().filter(|_| !dirty[layer]) {
                            self.pending.push(Delivery {
                                layer,
                                set: set.clone(),
                            });
                        }
                    }
                }
            }
        }
        let Some(rate) = self.sample_rate else {
            return;
        };
        for layer in (0..dirty.len()).filter(|&l| dirty[l]) {
            let (set, reports, note) = SampleSet::load(&self.chosen[layer], rate);
            let set = Arc::new(set);
            self.sets[layer] = Some(set.clone());
            self.pending.retain(|d| d.layer != layer);
            self.pending.push(Delivery { layer, set });
            if let Ok(mut status) = self.status.lock() {
                status[layer] = LayerStatus {
                    chosen: self.chosen[layer].clone(),
                    state: if self.chosen[layer].is_empty() {
                        LoadState::Empty
                    } else {
                        LoadState::Done(reports, note)
                    },
                };
            }
            self.tidy();
        }
    }

    /// Frees the sets the audio thread returned and delivers what waits, as room allows.
    fn tidy(&mut self) {
        let Some(outbox) = &mut self.outbox else {
            return;
        };
        outbox.drop_returned();
        while !self.pending.is_empty() && !outbox.is_full() {
            // Not full, so this send succeeds.
            let _ = outbox.send(self.pending.remove(0));
        }
    }
}
