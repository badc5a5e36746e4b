//! Project tasks: `cargo xtask bundle tingle --release` (nice-plug's bundler) and
//! `cargo xtask import-hrtf <file.sofa>` (converts a SOFA HRTF set into Tingle's embedded asset).

mod hrtf_import;

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
        _ => nice_plug_xtask::main(),
    }
}
