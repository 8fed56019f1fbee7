use std::marker::PhantomData;

use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId<T> {
    #[secret(env = "OPENAI_API_KEY")]
    OpenAiApiKey,
    #[secret(env = "MARKER_TOKEN")]
    Marker(PhantomData<T>),
}

fn main() {}
