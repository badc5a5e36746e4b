//! Project tasks: `cargo xtask bundle tingle --release` (nice-plug's bundler, then the factory
//! scenes as VST3 presets beside the bundles) and `cargo xtask import-hrtf <file.sofa>`
//! (converts a SOFA HRTF set into Tingle's embedded asset).

mod hrtf_import;
mod vst3_presets;

fn main() -> nice_plug_xtask::Result<()> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("import-hrtf") => {
            let sofa = args
                .next()
                .unwrap_or_else(|| hrtf_import::DEFAULT_SOFA_PATH.to_owned());
            let out = args
                .next()
                .unwrap_or_else(|| hrtf_import::DEFAULT_ASSET_PATH.to_owned());
            if let Err(err) = hrtf_import::run(&sofa, &out) {
                eprintln!("import-hrtf: {err}");
                std::process::exit(1);
            }
            Ok(())
        }
        Some("bundle") => {
            nice_plug_xtask::main()?;
            vst3_presets::write_all()
        }
        _ => nice_plug_xtask::main(),
    }
}
