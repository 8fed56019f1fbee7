use vox_clavis::SecretInventory;

#[derive(Clone, Copy, SecretInventory)]
enum SecretId {
    #[secret(env = "GITHUB_TOKEN", aliases = "GH_TOKEN")]
    GithubToken,
}

fn main() {}
