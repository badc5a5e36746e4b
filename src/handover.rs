//! A hand-over line between a thread that builds things and the audio thread: what is built
//! (an HRTF set, a layer's sound set) goes to the audio thread ready-made, and what the audio
//! thread has finished with comes back, to be dropped off it. Wait-free both ways; nothing
//! allocates or frees on the audio thread's side.

use rtrb::{Consumer, Producer, PushError, RingBuffer};

/// The building side: sends `T` to the audio thread and takes back `B` to drop.
pub struct Sender<T, B = T> {
    to_audio: Producer<T>,
    back: Consumer<B>,
}

/// The audio thread's side: takes `T` as it arrives and hands `B` back.
pub struct Receiver<T, B = T> {
    from_sender: Consumer<T>,
    to_sender: Producer<B>,
    /// A thing handed back that found the line full; it goes first, and nothing new is taken
    /// until it has gone.
    held: Option<B>,
}

/// A new line holding up to `capacity` things each way. Allocates.
pub fn line<T, B>(capacity: usize) -> (Sender<T, B>, Receiver<T, B>) {
    let (to_audio, from_sender) = RingBuffer::new(capacity);
    let (to_sender, back) = RingBuffer::new(capacity);
    (
        Sender { to_audio, back },
        Receiver {
            from_sender,
            to_sender,
            held: None,
        },
    )
}

impl<T, B> Sender<T, B> {
    /// Sends `item`, which the audio thread takes at its next block; gives it back if the line
    /// is full. Drops what the audio thread handed back first.
    pub fn send(&mut self, item: T) -> Result<(), T> {
        self.drop_returned();
        self.to_audio
            .push(item)
            .map_err(|PushError::Full(item)| item)
    }

    /// Whether the line to the audio thread is full (a send would fail).
    pub fn is_full(&self) -> bool {
        self.to_audio.is_full()
    }

    /// Drops everything the audio thread handed back.
    pub fn drop_returned(&mut self) {
        while self.back.pop().is_ok() {}
    }
}

impl<T, B> Receiver<T, B> {
    /// The next thing sent, without taking it.
    pub fn peek(&self) -> Option<&T> {
        self.from_sender.peek().ok()
    }

    /// Takes the next thing sent, if one waits and nothing handed back is still held.
    pub fn take(&mut self) -> Option<T> {
        if let Some(item) = self.held.take() {
            self.hand_back(item);
            if self.held.is_some() {
                return None;
            }
        }
        self.from_sender.pop().ok()
    }

    /// Whether a thing handed back now goes straight onto the line (not held).
    pub fn has_room_back(&self) -> bool {
        self.held.is_none() && !self.to_sender.is_full()
    }

    /// Hands `item` back to be dropped by the sending side (held until the line has room;
    /// one thing is held at most: check [`Receiver::has_room_back`] to hand back several).
    pub fn hand_back(&mut self, item: B) {
        if let Err(PushError::Full(item)) = self.to_sender.push(item) {
            self.held = Some(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// What is sent arrives in order; what is handed back is dropped by the sender's side,
    /// never by the receiver's.
    #[test]
    fn things_arrive_in_order_and_come_back_to_be_dropped() {
        let (mut sender, mut receiver) = line::<Arc<u32>, Arc<u32>>(2);
        let first = Arc::new(1);
        sender.send(first.clone()).unwrap();
        sender.send(Arc::new(2)).unwrap();
        assert!(sender.is_full());
        assert_eq!(sender.send(Arc::new(3)).map_err(|i| *i), Err(3));
        assert_eq!(receiver.peek().map(|i| **i), Some(1));
        let taken = receiver.take().unwrap();
        assert_eq!(*taken, 1);
        receiver.hand_back(taken);
        assert_eq!(
            Arc::strong_count(&first),
            2,
            "back on the line, not dropped"
        );
        sender.drop_returned();
        assert_eq!(Arc::strong_count(&first), 1, "dropped by the sender's side");
        assert_eq!(receiver.take().map(|i| *i), Some(2));
        assert!(receiver.take().is_none());
    }

    /// A thing handed back to a full line is held, and nothing new is taken until it has gone.
    #[test]
    fn a_full_line_back_holds_the_thing_and_pauses_taking() {
        let (mut sender, mut receiver) = line::<u32, u32>(1);
        receiver.hand_back(10);
        assert!(!receiver.has_room_back());
        receiver.hand_back(11);
        sender.send(1).unwrap_or_else(|_| panic!("room to send"));
        // `send` dropped 10, so the held 11 goes back now and 1 is taken.
        assert_eq!(receiver.take(), Some(1));
        assert!(!receiver.has_room_back(), "11 fills the line back");
        sender.drop_returned();
        assert!(receiver.has_room_back());
        receiver.hand_back(12);
        receiver.hand_back(13);
        sender.send(2).unwrap_or_else(|_| panic!("room to send"));
        // `send(2)` dropped 12; 13 was held and goes first, then 2 is taken.
        assert_eq!(receiver.take(), Some(2));
    }
}
