//! Tingle as a standalone app (JACK or ALSA; `--backend dummy` runs without audio hardware).

fn main() {
    nice_plug::prelude::nice_export_standalone::<tingle::Tingle>();
}
