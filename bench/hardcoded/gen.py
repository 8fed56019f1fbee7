#!/usr/bin/env python3
"""Generates the held-out corpus of the `hardcoded-secret` benchmark (see README.md).

Writes about 200 small, realistic Rust files into bench/hardcoded/.work/corpus/ and one label per
planted item into bench/hardcoded/.work/labels.tsv:

    file <TAB> first_line <TAB> last_line <TAB> class <TAB> label      (label: pos | neg)

Every credential is made up at run time from a fixed seed: a prefix, a random body of the
documented alphabet and length, and the checksum where the format has one. No real key is written,
and this file holds no complete credential-shaped literal: prefixes and bodies are joined when it
runs. The formats were written from the providers' documentation, independently of the linter.
Standard library only; the same seed gives byte-identical output.
"""

import base64
import collections
import json
import random
import shutil
import string
import sys
import zlib
from pathlib import Path

SEED = 20261207
HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
CORPUS = WORK / "corpus"
LABELS = WORK / "labels.tsv"
SHAPES_TSV = WORK / "shapes.tsv"

rng = random.Random(SEED)

DIGITS = string.digits
UPPER = string.ascii_uppercase
LOWER = string.ascii_lowercase
LETTERS = string.ascii_letters
ALNUM = DIGITS + LETTERS
B62 = DIGITS + UPPER + LOWER  # base62 order used by the GitHub/npm checksum
URLSAFE = ALNUM + "_-"
HEX = "0123456789abcdef"
UHEX = HEX.upper()
B32 = UPPER + "234567"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l".upper()
SYMBOLS = "!#%&*@^"


def rs(alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def j(*parts: str) -> str:
    """Joins prefix and body at run time (the source never holds a whole credential)."""
    return "".join(parts)


def crc_b62(body: str) -> str:
    n = zlib.crc32(body.encode())
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(6, "0")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def rbytes(n: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(n))


def strong_password(url_safe: bool = False) -> str:
    n = rng.randint(12, 22)
    symbols = "-_.~" if url_safe else SYMBOLS
    chars = [rng.choice(UPPER), rng.choice(LOWER), rng.choice(DIGITS), rng.choice(symbols)]
    if not url_safe:
        chars.append(rng.choice(SYMBOLS))
    pool = ALNUM + symbols
    chars += [rng.choice(pool) for _ in range(n - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


# ---------------------------------------------------------------------------------------------
# Credential formats (positives). Each: generator, binding names, header (None: no header shape;
# "bearer": Authorization: Bearer; else a header name).

def gh(prefix):
    def g():
        body = rs(B62, 30)
        return j(prefix, "_", body, crc_b62(body))
    return g


def npm_token():
    body = rs(B62, 30)
    return j("npm", "_", body, crc_b62(body))


def openai_proj():
    return j("sk-", rng.choice(["proj", "svcacct"]), "-", rs(URLSAFE, 74), "T3Blbk", "FJ", rs(URLSAFE, 74))


def openai_legacy():
    return j("sk-", rs(ALNUM, 20), "T3Blbk", "FJ", rs(ALNUM, 20))


def anthropic():
    return j("sk-ant-", "api03-", rs(URLSAFE, 93), "AA")


def github_fine():
    return j("github", "_pat_", rs(ALNUM, 22), "_", rs(ALNUM, 59))


def aws_session_token():
    # Real session tokens are a few hundred characters of base64 starting with the encoding of
    # a small protobuf header.
    return j("IQoJb3JpZ2lu", "X2Vj", rs(ALNUM + "+/", rng.choice([340, 372, 404])), "=")


def slack_bot():
    return j("xox", "b-", rs(DIGITS, 12), "-", rs(DIGITS, 13), "-", rs(ALNUM, 24))


def slack_user():
    return j("xox", "p-", rs(DIGITS, 12), "-", rs(DIGITS, 12), "-", rs(DIGITS, 13), "-", rs(HEX, 32))


def slack_webhook():
    return j("https://hooks.slack.com/services/", "T", rs(UPPER + DIGITS, 8), "/B",
             rs(UPPER + DIGITS, 10), "/", rs(ALNUM, 24))


def discord_webhook():
    return j("https://discord.com/api/webhooks/", rs(DIGITS, 18), "/", rs(URLSAFE, 68))


def stripe(prefix):
    def g():
        if rng.random() < 0.5:
            return j(prefix, "_", rs(ALNUM, 24))
        return j(prefix, "_51", rs(ALNUM, 97))
    return g


def azure_ad_secret():
    return j(rs(ALNUM + "_~.", 3), "8Q~", rs(ALNUM + "_~.-", 34))


def pem(kind: str, lines: int, first: str, width: int = 64) -> str:
    body = first + b64(rbytes(lines * width * 3 // 4))[len(first):]
    body = body[: lines * width - rng.randint(4, 30)]
    rows = [body[i:i + width] for i in range(0, len(body), width)]
    label = (kind + " " if kind else "") + "PRIVATE KEY"
    return "\n".join(["-----BEGIN " + label + "-----", *rows, "-----END " + label + "-----"])


def pem_rsa():
    return pem("RSA", 25, "MIIEpAIBAAKCAQEA")


def pem_ec():
    return pem("EC", 3, "MHcCAQEEI")


def pem_openssh():
    return pem("OPENSSH", 6, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 70)


def pem_pkcs8():
    return pem("", 26, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ")


def jwt():
    alg = rng.choice(["HS256", "RS256"])
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"},
                               separators=(",", ":")).encode())
    payload = {"sub": rs(DIGITS, 10), "iss": rng.choice(["auth.internal", "accounts.acme.io"]),
               "role": rng.choice(["service", "admin", "ci"]), "iat": 1700000000 + rng.randint(0, 10**7),
               "exp": 1900000000 + rng.randint(0, 10**7)}
    body = b64url(json.dumps(payload, separators=(",", ":")).encode())
    return j(header, ".", body, ".", b64url(rbytes(32 if alg == "HS256" else 256)))


def op_service_account():
    doc = {"signInAddress": "my.1password.com",
           "userAuth": {"method": "SRPg-4096", "alg": "PBES2g-HS256", "iterations": 650000,
                        "salt": b64url(rbytes(16))},
           "email": rs(LOWER + DIGITS, 13) + "@1passwordserviceaccounts.com",
           "srpX": rs(HEX, 64),
           "muk": {"alg": "A256GCM", "ext": True, "k": b64url(rbytes(32)), "key_ops": ["encrypt", "decrypt"],
                   "kty": "oct", "kid": "mp"},
           "secretKey": "A3-" + "-".join(rs(UPPER + DIGITS, 6) for _ in range(5)),
           "throttleSecret": {"seed": rs(HEX, 64), "uuid": rs(UPPER + DIGITS, 26)},
           "deviceUuid": rs(LOWER + DIGITS, 26)}
    return j("ops", "_", b64url(json.dumps(doc, separators=(",", ":")).encode()))


def mapbox_secret():
    head = b64url(json.dumps({"u": rs(LOWER, 8), "a": "cl" + rs(LOWER + DIGITS, 23)},
                             separators=(",", ":")).encode())
    return j("sk", ".", head, ".", rs(URLSAFE, 22))


def discord_bot():
    uid = b64url(rs(DIGITS, 18).encode())
    return j(uid, ".", rs(URLSAFE, 6), ".", rs(URLSAFE, 38))


def atlassian():
    return j("ATATT3x", "FfGF0", rs(URLSAFE, 170), "=", rs(UHEX, 8))


def fcm_server_key():
    return j("AAAA", rs(URLSAFE, 7), ":APA91b", rs(URLSAFE, 134))


def terraform_cloud():
    return j(rs(ALNUM, 14), ".atlas", "v1.", rs(URLSAFE, 67))


def cloudinary_url():
    return j("cloudinary://", rs(DIGITS, 15), ":", rs(URLSAFE, 27), "@", rng.choice(["acme", "shopfront", "media-prod"]))


def simple(prefix, alphabet, n, suffix=""):
    def g():
        return j(prefix, rs(alphabet, n), suffix() if callable(suffix) else suffix)
    return g


FORMATS = [
    # class, generator, names, header, shapes (None = all)
    ("openai-project", openai_proj, ["openai_api_key", "api_key", "openai_key"], "bearer"),
    ("openai-legacy", openai_legacy, ["openai_api_key", "api_key", "llm_key"], "bearer"),
    ("anthropic", anthropic, ["anthropic_api_key", "api_key", "claude_key"], "x-api-key"),
    ("github-pat-classic", gh("ghp"), ["github_token", "gh_token", "token"], "bearer"),
    ("github-oauth", gh("gho"), ["github_oauth_token", "access_token", "oauth_token"], "bearer"),
    ("github-user-to-server", gh("ghu"), ["github_app_token", "user_token"], "bearer"),
    ("github-server-to-server", gh("ghs"), ["installation_token", "github_token"], "bearer"),
    ("github-refresh", gh("ghr"), ["refresh_token", "github_refresh_token"], None),
    ("github-fine-grained", github_fine, ["github_token", "gh_pat", "token"], "bearer"),
    ("gitlab-pat", simple("glpat-", URLSAFE, 20), ["gitlab_token", "private_token", "token"], "PRIVATE-TOKEN"),
    ("aws-access-key-id", simple("AKIA", B32, 16), ["aws_access_key_id", "access_key_id", "access_key"], None),
    ("aws-secret-access-key", simple("", ALNUM + "+/", 40), ["aws_secret_access_key", "aws_secret_key"], None),
    ("aws-temp-access-key-id", simple("ASIA", B32, 16), ["aws_access_key_id", "access_key_id"], None),
    ("aws-session-token", aws_session_token, ["aws_session_token", "session_token"], None),
    ("slack-bot", slack_bot, ["slack_bot_token", "slack_token", "bot_token"], "bearer"),
    ("slack-user", slack_user, ["slack_user_token", "slack_token"], "bearer"),
    ("slack-webhook", slack_webhook, ["slack_webhook_url", "webhook_url", "alerts_webhook"], None),
    ("discord-webhook", discord_webhook, ["discord_webhook_url", "webhook_url", "notify_url"], None),
    ("stripe-secret-live", stripe("sk_live"), ["stripe_secret_key", "stripe_key", "secret_key"], "bearer"),
    ("stripe-restricted-live", stripe("rk_live"), ["stripe_restricted_key", "stripe_key"], "bearer"),
    ("stripe-secret-test", stripe("sk_test"), ["stripe_secret_key", "stripe_test_key"], "bearer"),
    ("stripe-webhook-secret", simple("whsec_", ALNUM, 32), ["stripe_webhook_secret", "webhook_secret", "signing_secret"], None),
    ("google-api-key", simple("AI" "za", URLSAFE, 35), ["google_api_key", "maps_api_key", "api_key"], "x-goog-api-key"),
    ("google-oauth-client-secret", simple("GOCSPX-", URLSAFE, 28), ["client_secret", "google_client_secret", "oauth_secret"], None),
    ("google-oauth-access-token", simple("ya29.", URLSAFE, 150), ["access_token", "google_token"], "bearer"),
    ("huggingface", simple("hf_", LETTERS, 34), ["hf_token", "huggingface_token", "hub_token"], "bearer"),
    ("replicate", simple("r8_", ALNUM, 37), ["replicate_api_token", "replicate_token"], "bearer"),
    ("groq", simple("gsk_", ALNUM, 52), ["groq_api_key", "api_key"], "bearer"),
    ("xai", simple("xai-", ALNUM, 80), ["xai_api_key", "grok_key"], "bearer"),
    ("perplexity", simple("pplx-", ALNUM, 48), ["pplx_api_key", "perplexity_key"], "bearer"),
    ("openrouter", simple("sk-or-v1-", HEX, 64), ["openrouter_api_key", "api_key"], "bearer"),
    ("langsmith", lambda: j("lsv2_pt_", rs(HEX, 32), "_", rs(HEX, 10)), ["langsmith_api_key", "langchain_api_key"], "x-api-key"),
    ("sendgrid", lambda: j("SG.", rs(URLSAFE, 22), ".", rs(URLSAFE, 43)), ["sendgrid_api_key", "mail_api_key"], "bearer"),
    ("mailgun", simple("key-", HEX, 32), ["mailgun_api_key", "mailgun_key"], None),
    ("mailchimp", lambda: j(rs(HEX, 32), "-us", str(rng.randint(1, 21)).rjust(2, "0")), ["mailchimp_api_key", "mc_api_key"], None),
    ("twilio-api-key", simple("SK", HEX, 32), ["twilio_api_key", "twilio_key_sid"], None),
    ("twilio-account-sid", simple("AC", HEX, 32), ["twilio_account_sid", "twilio_sid"], None),
    ("twilio-auth-token", simple("", HEX, 32), ["twilio_auth_token", "twilio_token"], None),
    ("vault-service-token", simple("hvs.", URLSAFE, 92), ["vault_token", "vault_root_token"], "X-Vault-Token"),
    ("doppler", lambda: j("dp.", rng.choice(["pt", "st"]), ".", rs(ALNUM, 43)), ["doppler_token", "doppler_service_token"], "bearer"),
    ("1password-service-account", op_service_account, ["op_service_account_token", "onepassword_token"], None),
    ("age-secret-key", lambda: j("AGE-SECRET-", "KEY-1", rs(BECH32, 58)), ["age_identity", "age_secret_key", "identity"], None),
    ("npm", npm_token, ["npm_token", "registry_token"], "bearer"),
    ("pypi", lambda: j("pypi-", "AgEIcHlwaS5vcmc", rs(URLSAFE, rng.randint(70, 160))), ["pypi_token", "twine_password"], None),
    ("shopify-access-token", simple("shpat_", HEX, 32), ["shopify_access_token", "shopify_token"], "X-Shopify-Access-Token"),
    ("shopify-shared-secret", simple("shpss_", HEX, 32), ["shopify_shared_secret", "shopify_api_secret"], None),
    ("square-access-token", simple("EAAA", URLSAFE, 60), ["square_access_token", "square_token"], "bearer"),
    ("square-oauth-secret", simple("sq0csp-", URLSAFE, 43), ["square_oauth_secret", "square_app_secret"], None),
    ("planetscale-password", simple("pscale_pw_", URLSAFE, 43), ["planetscale_password", "db_password"], None),
    ("digitalocean", simple("dop_v1_", HEX, 64), ["digitalocean_token", "do_token"], "bearer"),
    ("databricks", simple("dapi", HEX, 32), ["databricks_token", "dbx_token"], "bearer"),
    ("postman", lambda: j("PMAK-", rs(HEX, 24), "-", rs(HEX, 34)), ["postman_api_key", "postman_key"], "X-Api-Key"),
    ("linear", simple("lin_api_", ALNUM, 40), ["linear_api_key", "linear_token"], "authorization"),
    ("atlassian-api-token", atlassian, ["jira_api_token", "atlassian_token", "confluence_token"], None),
    ("telegram-bot", lambda: j(rs("123456789", 1), rs(DIGITS, 9), ":AA", rs(URLSAFE, 33)), ["telegram_bot_token", "telegram_token"], None),
    ("azure-ad-client-secret", azure_ad_secret, ["azure_client_secret", "client_secret", "aad_secret"], None),
    ("azure-storage-conn", lambda: j("DefaultEndpointsProtocol=https;AccountName=", rs(LOWER + DIGITS, 12),
                                     ";AccountKey=", b64(rbytes(64)), ";EndpointSuffix=core.windows.net"),
     ["azure_storage_connection_string", "storage_conn", "blob_connection"], None),
    ("cohere", simple("", ALNUM, 40), ["cohere_api_key", "co_api_key"], None),
    ("mistral", simple("", ALNUM, 32), ["mistral_api_key", "mistral_key"], None),
    ("grafana-service-account", lambda: j("glsa_", rs(ALNUM, 32), "_", rs(HEX, 8)), ["grafana_token", "grafana_sa_token"], "bearer"),
    ("sentry-user-token", simple("sntryu_", HEX, 64), ["sentry_auth_token", "sentry_token"], "bearer"),
    ("new-relic-user-key", simple("NRAK-", UPPER + DIGITS, 27), ["new_relic_api_key", "newrelic_key"], "Api-Key"),
    ("pulumi", simple("pul-", HEX, 40), ["pulumi_access_token", "pulumi_token"], None),
    ("terraform-cloud", terraform_cloud, ["tfe_token", "terraform_token"], "bearer"),
    ("dynatrace", lambda: j("dt0c01.", rs(UPPER + DIGITS, 24), ".", rs(UPPER + DIGITS, 64)), ["dynatrace_api_token", "dt_token"], None),
    ("figma", simple("figd_", URLSAFE, 40), ["figma_token", "figma_pat"], "X-Figma-Token"),
    ("airtable-pat", lambda: j("pat", rs(ALNUM, 14), ".", rs(HEX, 64)), ["airtable_token", "airtable_pat"], "bearer"),
    ("supabase", simple("sbp_", HEX, 40), ["supabase_access_token", "supabase_token"], "bearer"),
    ("alibaba-access-key", simple("LTAI", ALNUM, 20), ["alibaba_access_key_id", "aliyun_access_key"], None),
    ("shippo", simple("shippo_live_", HEX, 40), ["shippo_api_token", "shippo_token"], None),
    ("easypost", simple("EZAK", ALNUM, 54), ["easypost_api_key", "easypost_key"], None),
    ("flutterwave", simple("FLWSECK-", HEX, 32, "-X"), ["flutterwave_secret_key", "flw_secret"], "bearer"),
    ("adafruit-io", simple("aio_", ALNUM, 28), ["adafruit_io_key", "aio_key"], "X-AIO-Key"),
    ("readme", simple("rdme_", ALNUM, 70), ["readme_api_key", "readme_key"], None),
    ("prefect", simple("pnu_", ALNUM, 36), ["prefect_api_key", "prefect_key"], "bearer"),
    ("tailscale", lambda: j("tskey-", "auth-", rs(ALNUM, 12), "-", rs(ALNUM, 33)), ["tailscale_auth_key", "ts_authkey"], None),
    ("artifactory", simple("AKCp", ALNUM, 69), ["artifactory_api_key", "jfrog_key"], "X-JFrog-Art-Api"),
    ("docker-hub-pat", simple("dckr_pat_", URLSAFE, 27), ["docker_hub_token", "dockerhub_pat", "registry_password"], None),
    ("mapbox-secret", mapbox_secret, ["mapbox_secret_token", "mapbox_download_token"], None),
    ("discord-bot", discord_bot, ["discord_bot_token", "discord_token"], None),
    ("datadog-api-key", simple("", HEX, 32), ["datadog_api_key", "dd_api_key"], "DD-API-KEY"),
    ("okta-api-token", simple("00", URLSAFE, 40), ["okta_api_token", "okta_token"], None),
    ("cloudflare-api-token", simple("", URLSAFE, 40), ["cloudflare_api_token", "cf_api_token"], None),
    ("azure-devops-pat", simple("", "abcdefghijklmnopqrstuvwxyz234567", 52), ["azure_devops_pat", "ado_pat"], None),
    ("fcm-server-key", fcm_server_key, ["fcm_server_key", "firebase_server_key"], None),
    ("cloudinary-url", cloudinary_url, ["cloudinary_url"], None),
    ("jwt", jwt, ["service_jwt", "auth_token", "access_token"], "bearer"),
    ("pem-rsa", pem_rsa, ["private_key_pem", "rsa_private_key", "signing_key"], None),
    ("pem-ec", pem_ec, ["ec_private_key", "private_key", "tls_key"], None),
    ("pem-openssh", pem_openssh, ["deploy_key", "ssh_private_key"], None),
    ("pem-pkcs8", pem_pkcs8, ["private_key", "service_account_key"], None),
]

# ---------------------------------------------------------------------------------------------
# Names, hosts and the filler code between items.

NOUNS = ["order", "invoice", "account", "session", "ticket", "payment", "shipment", "report",
         "widget", "tenant", "project", "build", "deploy", "metric", "alert", "upload", "job",
         "queue", "cache", "profile", "webhook", "message", "channel", "release", "ledger"]
VERBS = ["fetch", "load", "sync", "build", "render", "publish", "refresh", "connect", "send",
         "create", "resolve", "validate", "export", "import", "notify", "schedule"]
HOSTS = ["api.acme-internal.net", "billing.shopfront.io", "api.widgets.dev", "events.corp.example",
         "gateway.ledgerly.app", "svc.northwind.cloud"]
PKGS = ["billing", "notify", "storage", "ingest", "auth", "gateway", "sync", "reports", "ops"]


def camel(s: str) -> str:
    return "".join(p.capitalize() for p in s.split("_"))


class Names:
    def __init__(self):
        self.used = collections.Counter()

    def fn(self, base: str) -> str:
        self.used[base] += 1
        n = self.used[base]
        return base if n == 1 else f"{base}_{n}"


def filler(nm: Names) -> str:
    noun = rng.choice(NOUNS)
    t = nm.fn(camel(noun) + rng.choice(["", "Record", "Entry", "State", "Summary"]))
    verb = rng.choice(VERBS)
    k = rng.randrange(9)
    if k == 0:
        return f'''#[derive(Debug, Clone, PartialEq)]
pub struct {t} {{
    pub id: u64,
    pub name: String,
    pub retries: u32,
}}

impl {t} {{
    pub fn new(id: u64, name: impl Into<String>) -> Self {{
        Self {{ id, name: name.into(), retries: 0 }}
    }}

    pub fn is_valid(&self) -> bool {{
        !self.name.is_empty() && self.id > 0
    }}
}}
'''
    if k == 1:
        return f'''#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum {t} {{
    Pending,
    Active,
    Failed {{ code: u16 }},
}}

impl std::fmt::Display for {t} {{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{
        match self {{
            Self::Pending => write!(f, "pending"),
            Self::Active => write!(f, "active"),
            Self::Failed {{ code }} => write!(f, "failed ({{code}})"),
        }}
    }}
}}
'''
    if k == 2:
        f = nm.fn(f"{verb}_{noun}s")
        return f'''/// {verb.capitalize()}s every {noun} in `items`, stopping at the first error.
pub fn {f}(items: &[u64], limit: usize) -> Result<Vec<u64>, String> {{
    let mut out = Vec::with_capacity(items.len().min(limit));
    for (i, item) in items.iter().enumerate() {{
        if i >= limit {{
            break;
        }}
        if *item == 0 {{
            return Err(format!("{noun} #{{i}} has no id"));
        }}
        out.push(item * 2);
    }}
    Ok(out)
}}
'''
    if k == 3:
        f = nm.fn(f"{verb}_with_retry")
        return f'''pub fn {f}<F, T, E>(mut op: F, attempts: u32) -> Result<T, E>
where
    F: FnMut() -> Result<T, E>,
{{
    let mut last = None;
    for attempt in 0..attempts {{
        match op() {{
            Ok(v) => return Ok(v),
            Err(e) => {{
                log::warn!("{verb} attempt {{}} failed", attempt + 1);
                last = Some(e);
                std::thread::sleep(std::time::Duration::from_millis(50 * u64::from(attempt)));
            }}
        }}
    }}
    Err(last.expect("at least one attempt"))
}}
'''
    if k == 4:
        return f'''#[derive(Debug)]
pub enum {t}Error {{
    NotFound(String),
    Io(std::io::Error),
    Timeout {{ after_ms: u64 }},
}}

impl From<std::io::Error> for {t}Error {{
    fn from(e: std::io::Error) -> Self {{
        Self::Io(e)
    }}
}}
'''
    if k == 5:
        f = nm.fn(f"parse_{noun}_line")
        return f'''fn {f}(line: &str) -> Option<(&str, u32)> {{
    let (key, value) = line.split_once('=')?;
    let value = value.trim().parse().ok()?;
    Some((key.trim(), value))
}}
'''
    if k == 6:
        return f'''pub trait {t}Store {{
    fn get(&self, id: u64) -> Option<String>;
    fn put(&mut self, id: u64, value: String);
}}

#[derive(Default)]
pub struct InMemory{t}Store {{
    inner: std::collections::BTreeMap<u64, String>,
}}

impl {t}Store for InMemory{t}Store {{
    fn get(&self, id: u64) -> Option<String> {{
        self.inner.get(&id).cloned()
    }}

    fn put(&mut self, id: u64, value: String) {{
        self.inner.insert(id, value);
    }}
}}
'''
    if k == 7:
        f = nm.fn(f"{noun}_path")
        return f'''fn {f}(root: &std::path::Path, id: u64) -> std::path::PathBuf {{
    root.join("{noun}s").join(format!("{{id:08}}.json"))
}}
'''
    f = nm.fn(f"total_{noun}_size")
    return f'''/// Sums the sizes, saturating instead of overflowing.
pub fn {f}(sizes: impl IntoIterator<Item = u64>) -> u64 {{
    sizes.into_iter().fold(0u64, |acc, s| acc.saturating_add(s))
}}
'''


# ---------------------------------------------------------------------------------------------
# Code shapes. An item's text marks its labelled region with ⟦ ⟧; `render` removes the marks.

A, Z = "\u27e6", "\u27e7"


def lit(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def raw(v: str) -> str:
    hashes = "#"
    while '"' + hashes in v:
        hashes += "#"
    return "r" + hashes + '"' + v + '"' + hashes


SHAPES = ["const", "let", "field", "method", "json", "hashmap", "header", "test", "doc", "raw"]


def shape_text(shape: str, name: str, v: str, nm: Names, header=None) -> str:
    N = name.upper()
    host = rng.choice(HOSTS)
    multiline = "\n" in v
    if shape == "const":
        return f"/// Used by the {rng.choice(PKGS)} client.\npub const {nm.fn(N)}: &str = {A}{lit(v)}{Z};\n"
    if shape == "raw":
        if rng.random() < 0.5:
            return f"const {nm.fn(N)}: &str = {A}{raw(v)}{Z};\n"
        f = nm.fn(f"default_{name}")
        return f"fn {f}() -> &'static str {{\n    {A}{raw(v)}{Z}\n}}\n"
    if shape == "let":
        f = nm.fn(f"{rng.choice(VERBS)}_client")
        return (f"pub fn {f}() -> Client {{\n    let {name} = {A}{lit(v)}{Z};\n"
                f"    Client::new(\"https://{host}\", {name})\n}}\n")
    if shape == "field":
        t = nm.fn(camel(rng.choice(PKGS)) + "Config")
        f = nm.fn(f"{t.lower()}_defaults")
        return (f"#[derive(Debug, Clone)]\npub struct {t} {{\n    pub endpoint: String,\n    pub {name}: String,\n"
                f"    pub timeout_secs: u64,\n}}\n\npub fn {f}() -> {t} {{\n    {t} {{\n"
                f"        endpoint: \"https://{host}/v1\".to_string(),\n        {name}: {A}{lit(v)}{Z}.to_string(),\n"
                f"        timeout_secs: 30,\n    }}\n}}\n")
    if shape == "method":
        f = nm.fn(f"{rng.choice(VERBS)}_builder")
        return (f"pub fn {f}() -> Result<Client, Error> {{\n    ClientBuilder::new()\n"
                f"        .base_url(\"https://{host}\")\n        .{name}({A}{lit(v)}{Z})\n"
                f"        .timeout(Duration::from_secs(10))\n        .build()\n}}\n")
    if shape == "json":
        f = nm.fn(f"{rng.choice(PKGS)}_settings")
        return (f"fn {f}() -> serde_json::Value {{\n    json!({{\n        \"endpoint\": \"https://{host}\",\n"
                f"        \"{name}\": {A}{lit(v)}{Z},\n        \"retries\": 3\n    }})\n}}\n")
    if shape == "hashmap":
        f = nm.fn(f"{rng.choice(PKGS)}_env")
        return (f"fn {f}() -> HashMap<&'static str, &'static str> {{\n    let mut env = HashMap::new();\n"
                f"    env.insert(\"REGION\", \"eu-west-1\");\n    env.insert(\"{N}\", {A}{lit(v)}{Z});\n    env\n}}\n")
    if shape == "header":
        f = nm.fn(f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}")
        value = ("Bearer " + v) if header == "bearer" else v
        hname = "Authorization" if header == "bearer" else header
        return (f"async fn {f}(http: &reqwest::Client) -> reqwest::Result<reqwest::Response> {{\n    http\n"
                f"        .get(\"https://{host}/v1/{rng.choice(NOUNS)}s\")\n"
                f"        .header(\"{hname}\", {A}{lit(value)}{Z})\n        .send()\n        .await\n}}\n")
    if shape == "test":
        m = nm.fn(f"{rng.choice(PKGS)}_tests")
        return (f"#[cfg(test)]\nmod {m} {{\n    use super::*;\n\n    #[test]\n    fn {name}_is_accepted() {{\n"
                f"        let {name} = {A}{lit(v)}{Z};\n        let cfg = Config::from_parts(\"https://{host}\", {name});\n"
                f"        assert!(cfg.validate().is_ok());\n    }}\n}}\n")
    if shape == "doc":
        assert not multiline
        f = nm.fn(f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}_client")
        return (f"/// Builds the client.\n///\n/// ```no_run\n{A}/// let {name} = {lit(v)};{Z}\n"
                f"/// let client = {f}({name});\n/// ```\npub fn {f}({name}: &str) -> Client {{\n"
                f"    Client::new(\"https://{host}\", {name})\n}}\n")
    raise ValueError(shape)


# ---------------------------------------------------------------------------------------------
# Items. Each is (class, label, text-with-marks).

items = []


def add(cls: str, label: str, text_fn, shape: str):
    items.append((cls, label, shape, text_fn))


def shapes_for(header, value_sample: str, k: int):
    pool = [s for s in SHAPES if (s != "header" or header) and (s != "doc" or "\n" not in value_sample)]
    if "\n" in value_sample:
        # Multi-line values (PEM): always once as a multi-line raw string, else with \n escapes.
        pool = [s for s in pool if s in ("const", "let", "field", "test", "json")]
        return ["raw"] + rng.sample(pool, k - 1)
    return rng.sample(pool, min(k, len(pool)))


for cls, gen, names, header in FORMATS:
    sample = gen()
    k = 3 if cls.startswith(("twilio", "mistral", "cohere", "okta", "cloudflare", "azure-devops", "datadog")) else 4
    for shape in shapes_for(header, sample, k):
        v = gen()
        name = rng.choice(names)
        add(cls, "pos", lambda nm, s=shape, n=name, v=v, h=header: shape_text(s, n, v, nm, h), shape)


# Authorization header values.
def basic_value():
    user = rng.choice(["svc-deploy", "ci-bot", "admin", "reporting", "ingest@acme.io"])
    return "Basic " + b64(f"{user}:{strong_password()}".encode())


def opaque_bearer():
    return "Bearer " + rs(ALNUM, rng.choice([32, 40, 48]))


def auth_header_shapes(cls, gen, n):
    for i in range(n):
        v = gen()
        form = i % 4
        if form == 0:
            add(cls, "pos", lambda nm, v=v: shape_text("header", "authorization", v, nm, "Authorization"), "header")
        elif form == 1:
            add(cls, "pos", lambda nm, v=v: f"pub const {nm.fn('AUTH_HEADER')}: &str = {A}{lit(v)}{Z};\n", "const")
        elif form == 2:
            add(cls, "pos", lambda nm, v=v: (
                f"fn {nm.fn('default_headers')}() -> HeaderMap {{\n    let mut headers = HeaderMap::new();\n"
                f"    headers.insert(AUTHORIZATION, HeaderValue::from_static({A}{lit(v)}{Z}));\n    headers\n}}\n"), "header")
        else:
            add(cls, "pos", lambda nm, v=v: (
                f"#[cfg(test)]\nmod {nm.fn('auth_tests')} {{\n    #[test]\n    fn sends_credentials() {{\n"
                f"        let req = Request::get(\"/v1/me\")\n            .header(\"Authorization\", {A}{lit(v)}{Z})\n"
                f"            .body(())\n            .unwrap();\n        assert!(req.headers().contains_key(\"authorization\"));\n    }}\n}}\n"), "test")


auth_header_shapes("basic-auth-header", basic_value, 6)
auth_header_shapes("bearer-opaque", opaque_bearer, 6)


# Configuration text in a string literal.
def cfg_env():
    lines = [f"APP_ENV=production", f"DATABASE_URL=postgres://app:{strong_password(True)}@db.internal:5432/app"]
    lines.append(rng.choice([j("STRIPE_SECRET_KEY=", stripe("sk_live")()), j("OPENAI_API_KEY=", openai_proj()),
                             f"SESSION_SECRET={rs(ALNUM, 48)}", j("GITHUB_TOKEN=", gh("ghp")())]))
    lines.append("LOG_LEVEL=info")
    return "\n".join(lines) + "\n"


def cfg_toml():
    return (f"[server]\nport = 8080\n\n[database]\nhost = \"db.internal\"\nuser = \"orders\"\n"
            f"password = \"{strong_password()}\"\n\n[mail]\napi_key = \"{j('SG.', rs(URLSAFE, 22), '.', rs(URLSAFE, 43))}\"\n")


def cfg_yaml():
    return (f"smtp:\n  host: smtp.mailgun.org\n  username: postmaster@mg.acme.io\n  password: \"{strong_password()}\"\n"
            f"aws:\n  access_key_id: {j('AKIA', rs(B32, 16))}\n  secret_access_key: {rs(ALNUM + '+/', 40)}\n")


def cfg_json():
    if rng.random() < 0.5:
        return json.dumps({"client_id": rs(DIGITS, 21) + ".apps.googleusercontent.com",
                           "client_secret": j("GOCSPX-", rs(URLSAFE, 28)),
                           "redirect_uris": ["http://localhost:8080/callback"]}, indent=2)
    return json.dumps({"type": "service_account", "project_id": "acme-prod-" + rs(DIGITS, 6),
                       "private_key_id": rs(HEX, 40), "private_key": pem_pkcs8() + "\n",
                       "client_email": "deployer@acme-prod.iam.gserviceaccount.com"}, indent=2)


def cfg_ini():
    return (f"[default]\nregion = us-east-1\naws_access_key_id = {j('AKIA', rs(B32, 16))}\n"
            f"aws_secret_access_key = {rs(ALNUM + '+/', 40)}\n")


def cfg_connstr():
    return (f"Server=tcp:{rng.choice(['sql-prod', 'orders-db', 'reporting'])}.database.windows.net,1433;"
            f"Database={rng.choice(NOUNS)}s;User Id=svc_{rng.choice(NOUNS)};Password={strong_password()};"
            f"Encrypt=true;TrustServerCertificate=false;")


def config_items(cls, gen, n, label="pos"):
    for i in range(n):
        v = gen()
        form = i % 3
        if form == 0:
            add(cls, label, lambda nm, v=v: f"const {nm.fn('DEFAULT_CONFIG')}: &str = {A}{raw(v)}{Z};\n", "raw")
        elif form == 1:
            add(cls, label, lambda nm, v=v: (
                f"#[cfg(test)]\nmod {nm.fn('config_tests')} {{\n    use super::*;\n\n    #[test]\n    fn parses_fixture() {{\n"
                f"        let text = {A}{raw(v)}{Z};\n        let cfg = Settings::parse(text).unwrap();\n"
                f"        assert_eq!(cfg.region(), \"us-east-1\");\n    }}\n}}\n"), "test")
        else:
            add(cls, label, lambda nm, v=v: (
                f"fn {nm.fn('load_settings')}() -> Settings {{\n    let text = {A}{lit(v)}{Z};\n"
                f"    Settings::parse(text).expect(\"embedded settings parse\")\n}}\n"), "let")


config_items("config-dotenv", cfg_env, 4)
config_items("config-toml", cfg_toml, 4)
config_items("config-yaml", cfg_yaml, 4)
config_items("config-json", cfg_json, 4)
config_items("config-ini", cfg_ini, 3)
config_items("config-connection-string", cfg_connstr, 4)


# URLs with user:password@.
def url_gen(scheme, port, path):
    def g():
        user = rng.choice(["app", "svc_orders", "admin", "reporting", "worker"])
        host = rng.choice(["db.internal", "10.0.3.17", "prod-cluster.acme.io", "cache-1.corp"])
        return f"{scheme}://{user}:{strong_password(True)}@{host}:{port}{path}"
    return g


for cls, g, names in [
    ("url-postgres", url_gen("postgres", 5432, "/app"), ["database_url", "db_url", "pg_dsn"]),
    ("url-mysql", url_gen("mysql", 3306, "/shop"), ["database_url", "mysql_url"]),
    ("url-redis", url_gen("redis", 6379, "/0"), ["redis_url", "cache_url"]),
    ("url-amqp", url_gen("amqp", 5672, "/%2f"), ["amqp_url", "broker_url"]),
    ("url-https", url_gen("https", 443, "/repository/releases"), ["registry_url", "upstream", "mirror_url"]),
    ("url-mongodb", url_gen("mongodb", 27017, "/events?authSource=admin"), ["mongo_uri", "database_url"]),
]:
    for shape in rng.sample(["const", "let", "field", "method", "json", "hashmap", "test", "raw"], 4):
        add(cls, "pos", lambda nm, s=shape, n=rng.choice(names), v=g(): shape_text(s, n, v, nm), shape)

# Strong passwords bound to password-like names.
for shape in ["const", "let", "field", "method", "json", "hashmap", "test", "let", "field", "const"]:
    name = rng.choice(["password", "db_password", "secret", "admin_password", "smtp_password", "root_password"])
    add("password-strong", "pos", lambda nm, s=shape, n=name, v=strong_password(): shape_text(s, n, v, nm), shape)


# A key split across pieces: the range covers every piece and where they are joined.
def split_key():
    g = rng.choice([openai_proj, anthropic, gh("ghp"), stripe("sk_live"), simple("glpat-", URLSAFE, 20)])
    v = g()
    if v.startswith("sk-proj-") or v.startswith("sk-svcacct-"):
        cut = v.index("-", 3) + 1
    else:
        cut = rng.randint(len(v) // 3, 2 * len(v) // 3)
    return v[:cut], v[cut:]


for i in range(4):
    a, b = split_key()
    add("split-concat", "pos", lambda nm, a=a, b=b: (
        f"const {nm.fn('API_KEY')}: &str = {A}concat!({lit(a)}, {lit(b)}){Z};\n"), "split")
    a, b = split_key()
    add("split-format", "pos", lambda nm, a=a, b=b: (
        f"fn {nm.fn('api_token')}() -> String {{\n    {A}format!(\"{{}}{{}}\", {lit(a)}, {lit(b)}){Z}\n}}\n"), "split")
    a, b = split_key()
    add("split-plus", "pos", lambda nm, a=a, b=b: (
        f"fn {nm.fn('secret_key')}() -> String {{\n    let key = {A}String::from({lit(a)})\n        + {lit(b)}{Z};\n    key\n}}\n"), "split")
    a, b = split_key()
    joiner = rng.choice(["fmt", "concat"])
    add("split-const", "pos", lambda nm, a=a, b=b, joiner=joiner: (
        (lambda p, q, f: f"{A}const {p}: &str = {lit(a)};\nconst {q}: &str = {lit(b)};\n\n"
         f"pub fn {f}() -> String {{\n    "
         + (f"format!(\"{{{p}}}{{{q}}}\"){Z}\n}}\n" if joiner == "fmt" else f"[{p}, {q}].concat(){Z}\n}}\n"))
        (nm.fn("KEY_HEAD"), nm.fn("KEY_TAIL"), nm.fn("token"))), "split")


# ---------------------------------------------------------------------------------------------
# Negatives: look-alikes in the same shapes.

def neg_generic(cls, values, names, header=None):
    """values: strings, or (string, names) pairs whose names fit that value better."""
    for v in values:
        own = names
        if isinstance(v, tuple):
            v, own = v
        pool = [s for s in SHAPES if s != "header" or header]
        if "\n" in v:
            pool = [s for s in pool if s in ("const", "raw", "let", "field", "test")]
        shape = rng.choice(pool)
        name = rng.choice(own)
        add(cls, "neg", lambda nm, s=shape, n=name, v=v, h=header: shape_text(s, n, v, nm, h), shape)


def add_negatives():
    """Two rounds of this make as many look-alikes as there are positives (fresh values, new shapes)."""
    neg_generic("placeholder", [
        "changeme", "<token>", "xxx", "sk-...", "YOUR_API_KEY_HERE", j("ghp", "_", "X" * 36),
        "${OPENAI_API_KEY}", "{{ secrets.GITHUB_TOKEN }}", "<your-api-key>", "TODO", j("sk-proj-", "XXXXXXXX"),
        "replace-me", "dummy", "your-token-here", j("sk_live", "_", "x" * 24), j("AKIA", "X" * 16),
        "insert-your-key", "<ANTHROPIC_API_KEY>", "${{ secrets.NPM_TOKEN }}", j("xox", "b-", "your-bot-token"),
        "$STRIPE_SECRET_KEY", "%GITLAB_TOKEN%", "not-a-real-key", j("hf_", "x" * 34), "REDACTED", "***",
        "<placeholder>", "sk-ant-...", "changeit", "fake-token-for-tests", "API_KEY", "<insert token>",
        "secret-goes-here", "sk-xxxxxxxxxxxxxxxxxxxxxxxx", "000000000000", "none",
    ], ["api_key", "token", "openai_api_key", "github_token", "secret_key", "auth_token", "access_token"], header="bearer")

    # AWS's documented example pair and Slack's documented example webhook.
    aws_id = (j("AKIA", "IOSFODNN7", "EXAMPLE"), ["aws_access_key_id", "access_key_id", "example_access_key"])
    aws_secret = (j("wJalrXUtnFEMI/K7MDENG/", "bPxRfiCY", "EXAMPLEKEY"), ["aws_secret_access_key", "example_secret_key"])
    slack_example = (j("https://hooks.slack.com/services/", "T00000000/B00000000/", "X" * 24), ["slack_webhook_url", "webhook_url"])
    neg_generic("provider-doc-example", [aws_id, aws_secret, aws_id, aws_secret, aws_id, aws_secret, slack_example,
                                         slack_example], [])

    neg_generic("stripe-publishable", [stripe(rng.choice(["pk_live", "pk_test"]))() for _ in range(8)],
                ["stripe_publishable_key", "publishable_key", "stripe_pk"])


    def mapbox_public():
        return mapbox_secret().replace("sk.", "pk.", 1)


    neg_generic("mapbox-public", [mapbox_public() for _ in range(4)], ["mapbox_access_token", "map_token"])


    def ssh_pub():
        if rng.random() < 0.5:
            return j("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", b64(rbytes(32))[:43], " deploy@ci")
        return j("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", b64(rbytes(256))[:340], " ops@bastion")


    neg_generic("ssh-public-key", [ssh_pub() for _ in range(8)], ["authorized_key", "ssh_public_key", "host_key"])


    def pem_public(label="PUBLIC KEY", lines=7, first="MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"):
        body = first + b64(rbytes(lines * 48))[len(first):]
        body = body[: lines * 64 - 8]
        rows = [body[i:i + 64] for i in range(0, len(body), 64)]
        return "\n".join(["-----BEGIN " + label + "-----", *rows, "-----END " + label + "-----"])


    neg_generic("pem-public-key", [pem_public() for _ in range(6)], ["public_key_pem", "verifying_key", "jwks_public_key"])
    neg_generic("pem-certificate", [pem_public("CERTIFICATE", 18, "MIIDdzCCAl+gAwIBAgIE") for _ in range(5)],
                ["ca_cert", "root_certificate", "tls_cert_pem"])


    def sentry_dsn():
        return f"https://{rs(HEX, 32)}@o{rs(DIGITS, 6)}.ingest.sentry.io/{rs(DIGITS, 7)}"


    neg_generic("sentry-dsn", [sentry_dsn() for _ in range(6)], ["sentry_dsn", "dsn"])
    neg_generic("hash-sha256", [rs(HEX, 64) for _ in range(10)], ["checksum", "sha256", "expected_digest", "content_hash"])
    neg_generic("hash-sha1", [rs(HEX, 40) for _ in range(6)], ["sha1", "checksum", "etag"])
    neg_generic("npm-integrity", [j("sha512-", b64(rbytes(64))) for _ in range(4)], ["integrity", "sri_hash"])
    neg_generic("git-commit-sha", [rs(HEX, 40) for _ in range(8)], ["commit", "git_sha", "build_commit", "rev"])


    def uuid4():
        h = rs(HEX, 32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


    neg_generic("uuid-id", [uuid4() for _ in range(12)],
                ["request_id", "trace_id", "tenant_id", "correlation_id", "workspace_id", "order_id"])
    neg_generic("ulid-id", [rs("0123456789ABCDEFGHJKMNPQRSTVWXYZ", 26) for _ in range(4)], ["event_id", "message_id"])


    def png_b64():
        return j("iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ", b64(rbytes(rng.randint(90, 180))))


    def fixture_b64():
        doc = {"id": rng.randint(1, 9999), "name": rng.choice(NOUNS), "tags": rng.sample(NOUNS, 3),
               "active": True}
        return b64(json.dumps(doc).encode())


    neg_generic("base64-data", [png_b64() for _ in range(5)] + [fixture_b64() for _ in range(5)],
                ["icon_png", "fixture_bytes", "favicon", "sample_payload", "thumbnail"])


    def env_var_items():
        names = ["OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "STRIPE_SECRET_KEY", "DATABASE_PASSWORD",
                 "SLACK_BOT_TOKEN", "ANTHROPIC_API_KEY", "VAULT_TOKEN", "NPM_TOKEN", "HF_TOKEN"]
        for i, var in enumerate(names):
            if i % 2 == 0:
                add("env-var-name", "neg", lambda nm, var=var: (
                    f"fn {nm.fn('key_from_env')}() -> Result<String, std::env::VarError> {{\n"
                    f"    std::env::var({A}{lit(var)}{Z})\n}}\n"), "call")
            else:
                add("env-var-name", "neg", lambda nm, var=var: (
                    f"/// The environment variable that holds the credential.\npub const {nm.fn('TOKEN_ENV')}: &str = {A}{lit(var)}{Z};\n"), "const")


    env_var_items()

    db = ["database_url", "db_url", "pg_dsn"]
    neg_generic("url-no-password", [
        ("https://api.openai.com/v1/chat/completions", ["endpoint", "base_url"]), ("postgres://app@localhost/app", db),
        ("redis://localhost:6379/0", ["redis_url", "cache_url"]), ("postgres://${DB_USER}:${DB_PASS}@db.internal:5432/app", db),
        ("mysql://root:${MYSQL_ROOT_PASSWORD}@127.0.0.1:3306/shop", ["mysql_url", "database_url"]),
        ("https://github.com/acme/widgets.git", ["repo_url", "upstream"]), ("amqp://broker.internal:5672/%2f", ["broker_url"]),
        ("mongodb://localhost:27017/events", ["mongo_uri"]), ("postgres://{user}:{password}@{host}/{db}", ["dsn_template"]),
        ("https://hooks.example.com/deploy", ["webhook_url", "deploy_hook"]),
    ], [])

    neg_generic("password-placeholder", [
        "password", "changeme", "<password>", "********", "${DB_PASSWORD}", "your-password-here", "REPLACE_ME",
        "", "{{ db_password }}", "example", "test", "$PGPASSWORD",
    ], ["password", "db_password", "secret", "admin_password"])

    neg_generic("version-string", [
        ("1.2.3-beta.4+build.5678", ["version"]), ("v0.23.1", ["version", "min_version"]),
        ("my-app/1.4.2 (+https://acme.io/bot)", ["user_agent"]), ("2024-06-01T12:00:00Z", ["released_at"]),
        ("rustc 1.95.0 (x86_64-unknown-linux-gnu)", ["rustc_version"]), ("20240601.1423.7", ["build_id"]),
    ], [])

    neg_generic("css-color", ["#1a2b3c", "rgba(12, 34, 56, 0.8)", "#ff00aa80", "hsl(210, 40%, 96%)"],
                ["accent_color", "background", "border_color"])

    neg_generic("identifier", [
        "the_quick_onboarding_flow_completed_event_name", "http_server_request_duration_seconds_bucket",
        "acme.billing.invoice.finalized.v2", "tenant_scoped_rate_limiter_token_bucket_refill",
        "com.acme.widgets.sync.background_refresh_task", "projects/acme-prod/topics/order-events",
    ], ["event_name", "metric", "topic", "task_id"])

    neg_generic("regex-pattern", [
        "^sk-[A-Za-z0-9]{48}$", "ghp_[A-Za-z0-9]{36}", "(?i)api[_-]?key\\s*=\\s*['\"]?([a-z0-9]{32})",
        "^AKIA[0-9A-Z]{16}$", "xox[baprs]-[0-9A-Za-z-]{10,48}", "-----BEGIN [A-Z ]*PRIVATE KEY-----",
    ], ["token_pattern", "key_regex", "pattern"])

    for _ in range(10):
        nm_ = rng.choice(["nonce", "iv", "aad", "expected_ciphertext", "expected_tag", "salt"])
        size = {"nonce": 24, "iv": 32, "aad": 40, "expected_ciphertext": 64, "expected_tag": 32, "salt": 32}[nm_]
        v = rs(HEX, size)
        add("crypto-test-vector", "neg", lambda nm, n=nm_, v=v, size=size: (
            f"#[cfg(test)]\nmod {nm.fn('aead_vectors')} {{\n    use super::*;\n\n    #[test]\n    fn {nm.fn('rfc_vector')}() {{\n"
            f"        let {n} = {A}hex::decode({lit(v)}){Z}.unwrap();\n        assert_eq!({n}.len(), {size // 2});\n    }}\n}}\n"), "test")

    neg_generic("public-key-hex", [rs(HEX, 64) for _ in range(4)], ["verifying_key", "public_key", "server_pubkey"])


    def env_empty():
        return "\n".join(["APP_ENV=production", "DATABASE_URL=${DATABASE_URL}", "STRIPE_SECRET_KEY=",
                          "OPENAI_API_KEY=${OPENAI_API_KEY}", "SESSION_SECRET=", "LOG_LEVEL=info"]) + "\n"


    def toml_placeholder():
        return ("[database]\nhost = \"localhost\"\nuser = \"app\"\npassword = \"${DB_PASSWORD}\"\n\n"
                "[mail]\napi_key = \"<sendgrid-api-key>\"\n")


    def yaml_placeholder():
        return ("smtp:\n  host: smtp.example.com\n  password: ${SMTP_PASSWORD}\naws:\n  access_key_id: ${AWS_ACCESS_KEY_ID}\n"
                "  secret_access_key: ${AWS_SECRET_ACCESS_KEY}\n")


    def json_placeholder():
        return json.dumps({"client_id": "YOUR_CLIENT_ID.apps.googleusercontent.com", "client_secret": "YOUR_CLIENT_SECRET",
                           "redirect_uris": ["http://localhost:8080/callback"]}, indent=2)


    def connstr_no_password():
        return rng.choice(["Server=localhost;Database=orders;Trusted_Connection=True;",
                           "Server=tcp:sql-prod.database.windows.net,1433;Database=orders;Authentication=Active Directory Default;",
                           "Host=localhost;Port=5432;Database=app;Username=app;Password=${PGPASSWORD};"])


    config_items("config-dotenv-empty", env_empty, 3, "neg")
    config_items("config-toml-placeholder", toml_placeholder, 3, "neg")
    config_items("config-yaml-placeholder", yaml_placeholder, 3, "neg")
    config_items("config-json-placeholder", json_placeholder, 2, "neg")
    config_items("config-connection-string-no-password", connstr_no_password, 3, "neg")

    neg_generic("bearer-placeholder", ["Bearer <token>", "Bearer ${API_TOKEN}", "Bearer YOUR_TOKEN", "Basic <credentials>",
                                       "Bearer {token}", "Bearer xxxxx"], ["authorization"], header="Authorization")


for _round in range(2):
    add_negatives()


# ---------------------------------------------------------------------------------------------
# Files.

HEADERS = [
    "use std::collections::HashMap;\nuse std::time::Duration;\n\nuse serde_json::json;\n",
    "use std::collections::HashMap;\nuse std::time::Duration;\n\nuse crate::client::{Client, ClientBuilder, Error};\nuse serde_json::json;\n",
    "#![allow(dead_code)]\n\nuse std::collections::HashMap;\nuse std::time::Duration;\n\nuse http::header::{HeaderMap, HeaderValue, AUTHORIZATION};\nuse serde_json::json;\n",
]


def render(text: str):
    lines = text.split("\n")
    first = last = None
    for i, line in enumerate(lines):
        if A in line and first is None:
            first = i
        if Z in line:
            last = i
    assert first is not None and last is not None, text
    return text.replace(A, "").replace(Z, ""), first, last


def main() -> int:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    CORPUS.mkdir(parents=True)
    order = list(range(len(items)))
    rng.shuffle(order)
    labels = []
    files = 0
    pos = 0
    while pos < len(order):
        take = rng.randint(3, 5)
        chunk = order[pos:pos + take]
        pos += take
        files += 1
        pkg = rng.choice(PKGS)
        path = f"{pkg}/{rng.choice(NOUNS)}_{files:03d}.rs"
        nm = Names()
        out = [f"//! {camel(pkg)} support: {rng.choice(NOUNS)} handling and its client set-up.\n",
               rng.choice(HEADERS) + "\n"]
        line = sum(part.count("\n") for part in out) + 1  # next line number (1-based)
        for idx in chunk:
            for _ in range(rng.randint(0, 2)):
                block = filler(nm) + "\n"
                out.append(block)
                line += block.count("\n")
            cls, label, shape, text_fn = items[idx]
            text, first, last = render(text_fn(nm))
            block = text + "\n"
            labels.append((path, line + first, line + last, cls, label, shape))
            out.append(block)
            line += block.count("\n")
        if rng.random() < 0.6:
            out.append(filler(nm))
        dest = CORPUS / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text("".join(out))
    labels.sort(key=lambda r: (r[0], r[1]))
    with open(LABELS, "w") as f:
        f.write("file\tfirst_line\tlast_line\tclass\tlabel\n")
        for r in labels:
            f.write("\t".join(map(str, r[:5])) + "\n")
    # The code shape of each item, beside the labels (score.py reports recall per shape).
    with open(SHAPES_TSV, "w") as f:
        f.write("file\tfirst_line\tlast_line\tshape\n")
        for r in labels:
            f.write("\t".join(map(str, (*r[:3], r[5]))) + "\n")

    counts = collections.Counter((r[3], r[4]) for r in labels)
    by_label = collections.Counter(r[4] for r in labels)
    pos_classes = sorted({c for c, l in counts if l == "pos"})
    neg_classes = sorted({c for c, l in counts if l == "neg"})
    print(f"corpus: {files} files in {CORPUS.relative_to(HERE.parent.parent)}, "
          f"{len(labels)} items ({by_label['pos']} pos in {len(pos_classes)} classes, "
          f"{by_label['neg']} neg in {len(neg_classes)} classes)")
    for label, classes in (("pos", pos_classes), ("neg", neg_classes)):
        print(f"  {label}: " + ", ".join(f"{c} {counts[(c, label)]}" for c in classes))
    shapes = collections.Counter((r[5], r[4]) for r in labels)
    print("  shapes (pos/neg): " + ", ".join(f"{s} {shapes[(s, 'pos')]}/{shapes[(s, 'neg')]}"
                                            for s in sorted({r[5] for r in labels})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
