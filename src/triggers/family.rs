//! The trigger families side by side: which families exist, and a voice that can play any of
//! them (one preallocated voice of each family, so switching family never allocates).

use super::{Excitation, FamilyInfo, TriggerSound};

/// Declares the families once: the `Family` enum (the first is the default), its info table
/// and the `VoiceBank`.
macro_rules! families {
    ($first:ident => $first_module:ident :: $first_voice:ident
     $(, $variant:ident => $module:ident :: $voice:ident)* $(,)?) => {
        /// A trigger family.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub enum Family {
            #[doc = concat!("See [`super::", stringify!($first_module), "`].")]
            #[default]
            $first,
            $(
                #[doc = concat!("See [`super::", stringify!($module), "`].")]
                $variant,
            )*
        }

        impl Family {
            /// Every family, in the order users see them.
            pub const ALL: &'static [Family] = &[Family::$first $(, Family::$variant)*];
            /// Their names, in the same order.
            pub const NAMES: &'static [&'static str] =
                &[super::$first_module::INFO.name $(, super::$module::INFO.name)*];
            /// Their stable identifiers (for saved state), in the same order.
            pub const IDS: &'static [&'static str] = &[stringify!($first_module) $(, stringify!($module))*];

            /// The family's name, variants and controls.
            pub fn info(self) -> &'static FamilyInfo {
                match self {
                    Family::$first => &super::$first_module::INFO,
                    $(Family::$variant => &super::$module::INFO,)*
                }
            }
        }

        /// One voice of every family; plays one of them at a time.
        #[derive(Debug, Clone)]
        pub struct VoiceBank {
            $first_module: super::$first_module::$first_voice,
            $($module: super::$module::$voice,)*
            playing: Option<Family>,
        }

        impl VoiceBank {
            /// An idle bank at `sample_rate` (Hz). Allocates.
            pub fn new(sample_rate: f32) -> Self {
                Self {
                    $first_module: super::$first_module::$first_voice::new(sample_rate),
                    $($module: super::$module::$voice::new(sample_rate),)*
                    playing: None,
                }
            }

            /// Starts a trigger of `family`.
            pub fn start(&mut self, family: Family, excitation: &Excitation) {
                match family {
                    Family::$first => self.$first_module.start(excitation),
                    $(Family::$variant => self.$module.start(excitation),)*
                }
                self.playing = Some(family);
            }

            /// Adds the playing trigger's next samples to `out`; `false` once it has finished.
            pub fn render(&mut self, out: &mut [f32]) -> bool {
                let still = match self.playing {
                    Some(Family::$first) => self.$first_module.render(out),
                    $(Some(Family::$variant) => self.$module.render(out),)*
                    None => false,
                };
                if !still {
                    self.playing = None;
                }
                still
            }
        }
    };
}

families! {
    Tap => tap::Tap,
    Scratch => scratch::Scratch,
    Paper => paper::Paper,
    Water => water::Water,
    Whisper => whisper::Whisper,
    Fire => fire::Fire,
    Tone => tone::Tone,
    Sample => sample::Sample,
}

impl VoiceBank {
    /// The Sample family's voice, to hand it its sounds before it starts (and to let go of
    /// them once it is silent).
    pub fn sample_voice(&mut self) -> &mut super::sample::Sample {
        &mut self.sample
    }
}
