// The corpus is the dependencies' sources; this crate has no code of its own.
