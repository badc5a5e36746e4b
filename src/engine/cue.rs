//! The editor's side of the output: the cue it sent, played once on top of the scene
//! ([`CuePlayer`]), and the scene's fade to silence while the editor asks for quiet
//! ([`Quiet`]). Both sit just before the master chain; neither allocates nor frees.

use super::telemetry::{Cue, QUIET_FADE_S};
use crate::handover::Receiver;

/// The scene's gain at rest (linear): it passes untouched.
const UNITY: f32 = 1.0;
/// The scene's gain once quiet (linear).
const SILENT: f32 = 0.0;

/// The cue playing (or played and waiting to go back to the editor), and how far it has
/// played. A cue is handed back through the line it came by, never dropped here.
#[derive(Default)]
pub struct CuePlayer {
    /// The cue taken from the line, until it is handed back.
    cue: Option<Cue>,
    /// Samples of `cue` played so far (0 ..= its length).
    played: usize,
}

impl CuePlayer {
    /// A player with no cue.
    pub fn new() -> Self {
        Self::default()
    }

    /// At a block's start: hands a finished cue back, then takes a newly sent cue, if one
    /// waits, to play from its first sample (the cue it replaces is handed back). Nothing is
    /// taken while the line back is full: the cue held here could not leave.
    pub fn receive(&mut self, line: &mut Receiver<Cue>) {
        if !self.is_playing() && line.has_room_back() {
            self.hand_back(line);
        }
        if self.cue.is_some() && !line.has_room_back() {
            return;
        }
        if let Some(new) = line.take() {
            if let Some(old) = self.cue.replace(new) {
                line.hand_back(old);
            }
            self.played = 0;
        }
    }

    /// Adds the cue's next samples to `left` and `right` (as many as fit, from the block's
    /// first sample). Returns whether any sample was added.
    pub fn add_to(&mut self, left: &mut [f32], right: &mut [f32]) -> bool {
        let Some(cue) = &self.cue else {
            return false;
        };
        let end = (self.played + left.len().min(right.len())).min(length(cue));
        let (cue_left, cue_right) = (&cue.left[self.played..end], &cue.right[self.played..end]);
        for (out, sample) in left.iter_mut().zip(cue_left) {
            *out += sample;
        }
        for (out, sample) in right.iter_mut().zip(cue_right) {
            *out += sample;
        }
        let added = end > self.played;
        self.played = end;
        added
    }

    /// Moves the cue on by `samples` without sounding it (while the output rests).
    pub fn skip(&mut self, samples: usize) {
        if let Some(cue) = &self.cue {
            self.played = self.played.saturating_add(samples).min(length(cue));
        }
    }

    /// Stops the cue and hands it back now, or at the next [`CuePlayer::receive`] with room on
    /// the line back.
    pub fn stop(&mut self, line: &mut Receiver<Cue>) {
        self.skip(usize::MAX);
        if line.has_room_back() {
            self.hand_back(line);
        }
    }

    /// Hands the cue held back, if any (the caller checked that the line back has room).
    fn hand_back(&mut self, line: &mut Receiver<Cue>) {
        if let Some(cue) = self.cue.take() {
            line.hand_back(cue);
        }
    }

    /// Whether a cue has samples left to play.
    pub fn is_playing(&self) -> bool {
        self.cue
            .as_ref()
            .is_some_and(|cue| self.played < length(cue))
    }
}

/// The samples `cue` plays: as many as its shorter channel holds.
fn length(cue: &Cue) -> usize {
    cue.left.len().min(cue.right.len())
}

/// The scene's gain while the editor asks for quiet: it glides linearly from 1 to 0 (or back)
/// over [`QUIET_FADE_S`], by 1 / (fade samples) per sample, so no click; turned around midway,
/// it goes back from where it is. At rest at 1 it leaves the signal untouched and costs one
/// comparison per block.
pub struct Quiet {
    /// Samples into the fade out: 0 (unity) ..= `fade` (silent).
    position: u32,
    /// Length of the fade (samples, >= 1).
    fade: u32,
    /// Whether the scene is to be silent.
    quiet: bool,
}

impl Quiet {
    /// Unity gain at `sample_rate` (Hz).
    pub fn new(sample_rate: f32) -> Self {
        Self {
            position: 0,
            fade: ((QUIET_FADE_S * sample_rate).round() as u32).max(1),
            quiet: false,
        }
    }

    /// Fades to silence (`quiet`) or back to unity, starting at the next sample.
    pub fn set(&mut self, quiet: bool) {
        self.quiet = quiet;
    }

    /// Applies the gain to the scene in `left` and `right`, in place.
    pub fn apply(&mut self, left: &mut [f32], right: &mut [f32]) {
        if !self.quiet && self.position == 0 {
            return;
        }
        if self.is_silent() {
            left.fill(SILENT);
            right.fill(SILENT);
            return;
        }
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            self.position = if self.quiet {
                (self.position + 1).min(self.fade)
            } else {
                self.position.saturating_sub(1)
            };
            // Exactly 1 at position 0 and 0 at the fade's end.
            let gain = UNITY * (self.fade - self.position) as f32 / self.fade as f32;
            *l *= gain;
            *r *= gain;
        }
    }

    /// Whether the scene is silenced entirely (the fade out has ended).
    pub fn is_silent(&self) -> bool {
        self.quiet && self.position == self.fade
    }

    /// Jumps to the end of the fade under way (for resets, never while audible).
    pub fn settle(&mut self) {
        self.position = if self.quiet { self.fade } else { 0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handover::line;

    const FS: f32 = 48_000.0;
    const BLOCK: usize = 64;

    /// A cue of `len` samples whose every sample tells which cue and where: left
    /// `tag + n * 1e-4`, right its negative.
    fn numbered(len: usize, tag: f32) -> Cue {
        let left: Box<[f32]> = (0..len).map(|n| tag + n as f32 * 1e-4).collect();
        let right = left.iter().map(|v| -v).collect();
        Cue { left, right }
    }

    /// One block of silence with the cue added, after taking cues at its start: (left, right).
    fn block(player: &mut CuePlayer, line: &mut Receiver<Cue>) -> ([f32; BLOCK], [f32; BLOCK]) {
        player.receive(line);
        let (mut left, mut right) = ([0.0; BLOCK], [0.0; BLOCK]);
        player.add_to(&mut left, &mut right);
        (left, right)
    }

    /// A cue longer than a block comes out sample for sample over as many blocks as it needs,
    /// then nothing; once played it goes back on the line (which, holding one thing, is then
    /// full until the sender drops it).
    #[test]
    fn a_cue_plays_exactly_over_several_blocks_and_goes_back() {
        let (mut sender, mut receiver) = line::<Cue, Cue>(1);
        let mut player = CuePlayer::new();
        let len = 3 * BLOCK + 17;
        let cue = numbered(len, 0.25);
        sender.send(cue.clone()).unwrap_or_else(|_| panic!("room"));
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for _ in 0..6 {
            let (l, r) = block(&mut player, &mut receiver);
            left.extend_from_slice(&l);
            right.extend_from_slice(&r);
        }
        assert_eq!(&left[..len], &cue.left[..]);
        assert_eq!(&right[..len], &cue.right[..]);
        assert!(left[len..].iter().chain(&right[len..]).all(|v| *v == 0.0));
        assert!(!player.is_playing());
        assert!(player.cue.is_none(), "the played cue left the player");
        assert!(!receiver.has_room_back(), "it is on the line back");
        sender.drop_returned();
        assert!(receiver.has_room_back(), "and the sender dropped it");
    }

    /// A cue sent while one plays replaces it from its first sample, and the old one goes
    /// back; with the line back full, a finished cue waits (silent) instead of being dropped,
    /// and leaves at the first block with room.
    #[test]
    fn a_new_cue_replaces_the_playing_one_which_goes_back() {
        let (mut sender, mut receiver) = line::<Cue, Cue>(1);
        let mut player = CuePlayer::new();
        let (first, second) = (numbered(4 * BLOCK, 0.1), numbered(BLOCK + 5, 0.5));
        sender
            .send(first.clone())
            .unwrap_or_else(|_| panic!("room"));
        let (left, _) = block(&mut player, &mut receiver);
        assert_eq!(&left[..], &first.left[..BLOCK]);
        sender
            .send(second.clone())
            .unwrap_or_else(|_| panic!("room"));
        let (left, right) = block(&mut player, &mut receiver);
        assert_eq!(
            &left[..],
            &second.left[..BLOCK],
            "the new cue from its start"
        );
        assert_eq!(&right[..], &second.right[..BLOCK]);
        assert!(!receiver.has_room_back(), "the replaced cue went back");
        let (left, _) = block(&mut player, &mut receiver);
        assert_eq!(&left[..5], &second.left[BLOCK..]);
        assert!(left[5..].iter().all(|v| *v == 0.0));
        // Played, but the line back is full: it stays here, silent.
        let (left, right) = block(&mut player, &mut receiver);
        assert!(left.iter().chain(&right).all(|v| *v == 0.0));
        assert!(player.cue.is_some(), "kept until there is room");
        sender.drop_returned();
        block(&mut player, &mut receiver);
        assert!(player.cue.is_none(), "gone back once there was room");
        assert!(!receiver.has_room_back());
    }

    /// Stopping (a reset) hands the playing cue back at once; nothing plays after.
    #[test]
    fn a_stopped_cue_goes_back() {
        let (mut sender, mut receiver) = line::<Cue, Cue>(1);
        let mut player = CuePlayer::new();
        sender
            .send(numbered(4 * BLOCK, 0.3))
            .unwrap_or_else(|_| panic!("room"));
        block(&mut player, &mut receiver);
        player.stop(&mut receiver);
        assert!(player.cue.is_none() && !receiver.has_room_back());
        let (left, right) = block(&mut player, &mut receiver);
        assert!(left.iter().chain(&right).all(|v| *v == 0.0));
    }

    /// The gains a [`Quiet`] applies to a signal of ones, over `samples`, in blocks.
    fn gains(quiet: &mut Quiet, samples: usize) -> Vec<f32> {
        let mut out = Vec::with_capacity(samples);
        while out.len() < samples {
            let n = BLOCK.min(samples - out.len());
            let (mut left, mut right) = (vec![1.0; n], vec![1.0; n]);
            quiet.apply(&mut left, &mut right);
            assert_eq!(left, right);
            out.extend_from_slice(&left);
        }
        out
    }

    /// Quiet falls from 1 to 0 in QUIET_FADE_S, never rising and by no step larger than
    /// 1 / (fade samples), stays at 0, and comes back the same way.
    #[test]
    fn quiet_fades_out_and_in_over_its_fade_without_a_step() {
        let fade = (QUIET_FADE_S * FS).round() as usize;
        // One rounding of an f32 near 1 (6e-8) on top of 1 / fade (4.2e-5 at 48 kHz).
        let largest_step = 1.0 / fade as f32 * 1.01;
        let mut quiet = Quiet::new(FS);
        quiet.set(true);
        let out = gains(&mut quiet, fade + 10 * BLOCK);
        let steps: Vec<f32> = out.windows(2).map(|w| w[1] - w[0]).collect();
        let reached = out.iter().position(|g| *g == 0.0).expect("reaches silence");
        println!(
            "fade out: first gain {}, silent from sample {reached} of {fade}, largest step {}",
            out[0],
            steps.iter().fold(0.0f32, |m, s| m.max(s.abs()))
        );
        assert!(out[0] < 1.0 && out[0] >= 1.0 - largest_step);
        assert!(steps.iter().all(|s| *s <= 0.0), "never rises");
        assert!(steps.iter().all(|s| s.abs() <= largest_step));
        assert_eq!(reached + 1, fade, "silent after the fade's length");
        assert!(quiet.is_silent());
        quiet.set(false);
        let back = gains(&mut quiet, fade + BLOCK);
        let steps: Vec<f32> = back.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(steps.iter().all(|s| *s >= 0.0 && *s <= largest_step));
        assert_eq!(back.iter().position(|g| *g == 1.0), Some(fade - 1));
    }

    /// Cleared halfway through its fade, quiet turns back from the gain it has reached, by the
    /// same steps, and is back at unity after as long as it faded.
    #[test]
    fn quiet_turned_around_midway_goes_back_without_a_jump() {
        let half = (QUIET_FADE_S * FS).round() as usize / 2;
        let mut quiet = Quiet::new(FS);
        quiet.set(true);
        let out = gains(&mut quiet, half);
        quiet.set(false);
        let back = gains(&mut quiet, half + BLOCK);
        let turn = out[half - 1];
        println!("turned at gain {turn}, then {}", back[0]);
        assert!((turn - 0.5).abs() < 1e-3, "halfway down: {turn}");
        assert!(back[0] > turn && back[0] - turn <= 1.01 / (2 * half) as f32);
        assert_eq!(back.iter().position(|g| *g == 1.0), Some(half - 1));
    }

    /// At unity (not quiet, or back from quiet), the signal passes bit for bit.
    #[test]
    fn quiet_at_unity_leaves_the_signal_untouched() {
        let signal: Vec<f32> = (0..4 * BLOCK)
            .map(|n| (n as f32 * 0.37).sin() * 1e-3 + 1e-30)
            .collect();
        for was_quiet in [false, true] {
            let mut quiet = Quiet::new(FS);
            if was_quiet {
                quiet.set(true);
                gains(&mut quiet, FS as usize);
                quiet.set(false);
                gains(&mut quiet, FS as usize);
            }
            let (mut left, mut right) = (signal.clone(), signal.clone());
            quiet.apply(&mut left, &mut right);
            let same = |x: &[f32]| {
                x.iter()
                    .zip(&signal)
                    .all(|(a, b)| a.to_bits() == b.to_bits())
            };
            assert!(
                same(&left) && same(&right),
                "changed (was quiet: {was_quiet})"
            );
        }
    }
}
