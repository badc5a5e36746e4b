//! The trigger families side by side: which families exist, and a sound bank that can play any
//! of them (one preallocated sound of each family, so switching family never allocates).

use super::{Excitation, FamilyInfo, TriggerSound};

/// Declares the families once: the `Family` enum (the first is the default), its info table
/// and the `SoundBank`.
macro_rules! families {
    ($first:ident => $first_module:ident :: $first_sound:ident
     $(, $variant:ident => $module:ident :: $sound:ident)* $(,)?) => {
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

        /// One sound of every family; plays one of them at a time.
        #[derive(Debug, Clone)]
        pub struct SoundBank {
            $first_module: super::$first_module::$first_sound,
            $($module: super::$module::$sound,)*
            playing: Option<Family>,
        }

        impl SoundBank {
            /// An idle bank at `sample_rate` (Hz). Allocates.
            pub fn new(sample_rate: f32) -> Self {
                Self {
                    $first_module: super::$first_module::$first_sound::new(sample_rate),
                    $($module: super::$module::$sound::new(sample_rate),)*
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
            pub fn add_to(&mut self, out: &mut [f32]) -> bool {
                let still = match self.playing {
                    Some(Family::$first) => self.$first_module.add_to(out),
                    $(Some(Family::$variant) => self.$module.add_to(out),)*
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

impl SoundBank {
    /// The Sample family's sound, to hand it its sounds before it starts (and to let go of
    /// them once it is silent).
    pub fn sample_voice(&mut self) -> &mut super::sample::Sample {
        &mut self.sample
    }
}
