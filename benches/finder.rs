//! The finder's report: over many simulated listeners (a random hidden taste each, see
//! `tests/common/taste.rs`), how many choices the finder and random proposals take to reach
//! 80 % of the listener's best possible score, both run in this process on the same listeners.
//! It times nothing: `cargo bench --bench finder` prints the table.

#[path = "../tests/common/taste.rs"]
mod taste;

use taste::Listener;
use tingle::dsp::random::seeded;
use tingle::personal::finder::layer_space::LayerSpace;
use tingle::personal::finder::{Finder, Strategy};
use tingle::{Flavour, Instrument};

/// Share of the best possible score a session must reach.
const GOAL: f64 = 0.8;
/// The limit on choices.
const CHOICES: usize = 20;
/// Choices after which a session is stopped (counted as this many).
const MOST_CHOICES: usize = 200;
/// Simulated listeners.
const TRIALS: u64 = 100;

/// Choices each listener's session took with `strategy` (capped at [`MOST_CHOICES`]).
fn sessions(strategy: Strategy) -> Vec<usize> {
    let params = <Instrument as Flavour>::params();
    let layer = LayerSpace::new(&params, 0);
    (1..=TRIALS)
        .map(|trial| {
            let mut rng = seeded(1_000_000 + trial);
            let listener = Listener::new(layer.space(), &mut rng);
            let mut finder =
                Finder::new(layer.space().clone(), layer.point(&params), strategy, trial);
            (0..MOST_CHOICES)
                .find(|_| {
                    if listener.score(finder.best()) >= GOAL {
                        return true;
                    }
                    let b = finder.propose(|_| true).expect("no safety check").clone();
                    let pick = listener.answer(finder.best(), &b, &mut rng);
                    finder.answer(pick);
                    false
                })
                .unwrap_or(MOST_CHOICES)
        })
        .collect()
}

/// Mean, median and share within [`CHOICES`] of `counts`.
fn summary(counts: &mut [usize]) -> (f64, usize, f64) {
    counts.sort_unstable();
    let mean = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    let within = counts.iter().filter(|&&n| n <= CHOICES).count() as f64 / counts.len() as f64;
    (mean, counts[counts.len() / 2], within)
}

fn main() {
    println!(
        "Tingle finder: choices to reach {:.0} % of a simulated listener's best",
        100.0 * GOAL
    );
    println!("({TRIALS} listeners, the first layer of Gentle Start, capped at {MOST_CHOICES})");
    let (finder_mean, finder_median, finder_within) = summary(&mut sessions(Strategy::Model));
    let (random_mean, random_median, random_within) = summary(&mut sessions(Strategy::Random));
    println!("| Proposals | mean | median | within {CHOICES} |");
    println!("|---|---|---|---|");
    println!(
        "| finder | {finder_mean:.1} | {finder_median} | {:.0} % |",
        100.0 * finder_within
    );
    println!(
        "| random | {random_mean:.1} | {random_median} | {:.0} % |",
        100.0 * random_within
    );
    println!(
        "finder / random: {:.2}x faster by the mean, {:.2}x by the median",
        random_mean / finder_mean,
        random_median as f64 / finder_median.max(1) as f64
    );
}
