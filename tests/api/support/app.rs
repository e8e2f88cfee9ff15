//! The real application on a random port, and what its responses look like to a client.

use std::net::TcpListener;
use std::time::Duration;

use awc::http::header::HeaderMap;
use serde_json::Value;

use super::TestDb;
use ctg::db::PoolSettings;
use ctg::startup::AppState;

/// The signing key of test servers (tests forge tokens with it, and with others).
pub const TEST_JWT_SECRET: &str = "test-secret-of-ctg-at-least-32-bytes-long";

pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    client: awc::Client,
    /// A platform admin's access token, sent by `get`, `post`, `patch`, `delete` and `raw`.
    pub admin_token: String,
}

/// Requests sent with one identity, or none.
pub struct Caller<'a> {
    app: &'a TestApp,
    token: Option<String>,
}

/// A response as a client sees it.
#[derive(Debug)]
pub struct TestResponse {
    pub status: u16,
    pub headers: HeaderMap,
    /// The body parsed as JSON, or `Value::Null` when empty or not JSON.
    pub body: Value,
    pub text: String,
    /// The body as sent, for binary formats.
    pub bytes: Vec<u8>,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `ETag` of a single resource.
    pub fn etag(&self) -> String {
        self.header("etag").expect("an ETag header").to_string()
    }

    /// The `code` of a problem response, checking its media type.
    pub fn problem_code(&self) -> &str {
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "not a problem: {} {}",
            self.status,
            self.text
        );
        self.body["code"].as_str().expect("a problem code")
    }

    /// The fields an error names.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `id` of the created or read resource.
    pub fn id(&self) -> String {
        self.body["id"]
            .as_str()
            .unwrap_or_else(|| panic!("no id in {}", self.text))
            .to_string()
    }
}

impl TestApp {
    /// The app on a fresh database, with a platform admin signed in.
    pub async fn spawn() -> Self {
        Self::spawn_configured(|state| state).await
    }

    pub async fn spawn_with(db: TestDb, pool_settings: PoolSettings) -> Self {
        Self::spawn_configured_with(db, pool_settings, |state| state).await
    }

    /// The app with its state changed by `configure` (CORS origins, metrics token), on a fresh
    /// database, with a platform admin signed in.
    pub async fn spawn_configured(configure: impl FnOnce(AppState) -> AppState) -> Self {
        let pool_settings = PoolSettings {
            max_size: 4,
            ..PoolSettings::default()
        };
        Self::spawn_configured_on(pool_settings, configure).await
    }

    /// `spawn_configured` with its own pool settings.
    pub async fn spawn_configured_on(
        pool_settings: PoolSettings,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        Self::spawn_configured_with(TestDb::new(), pool_settings, configure).await
    }

    async fn spawn_configured_with(
        db: TestDb,
        pool_settings: PoolSettings,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let url = db.url().to_string();
        let mut app = Self::start(db, &url, pool_settings, configure);
        super::auth::insert_user(&app.db, "admin@ctg.test", "Admin", None, true);
        app.admin_token = super::auth::login(&app, "admin@ctg.test").await;
        app
    }

    /// The app on `database_url`, which need not be `db`'s (to simulate an outage); nobody is
    /// signed in.
    pub fn spawn_with_database_url(
        db: TestDb,
        database_url: &str,
        pool_settings: PoolSettings,
    ) -> Self {
        Self::start(db, database_url, pool_settings, |state| state)
    }

    fn start(
        db: TestDb,
        database_url: &str,
        pool_settings: PoolSettings,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let pool = ctg::db::pool(database_url, &pool_settings);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
        let address = format!("http://{}", listener.local_addr().unwrap());
        // As served: with the sign-in cache, so that every test also checks it is never stale.
        let state = configure(
            AppState::new(pool, TEST_JWT_SECRET.as_bytes()).with_auth_cache(database_url),
        );
        let server = ctg::startup::run(listener, state, Some(1)).expect("start the server");
        actix_rt::spawn(server);
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(30))
            .finish();
        Self {
            address,
            db,
            client,
            admin_token: String::new(),
        }
    }

    /// Requests with this access token.
    pub fn as_user(&self, token: &str) -> Caller<'_> {
        Caller {
            app: self,
            token: Some(token.to_string()),
        }
    }

    /// Requests without any `Authorization` header.
    pub fn anonymous(&self) -> Caller<'_> {
        Caller {
            app: self,
            token: None,
        }
    }

    fn admin(&self) -> Caller<'_> {
        Caller {
            app: self,
            token: (!self.admin_token.is_empty()).then(|| self.admin_token.clone()),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.admin().get(path).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> TestResponse {
        self.admin().post(path, body).await
    }

    pub async fn post_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> TestResponse {
        self.admin().post_with(path, headers, body).await
    }

    /// PATCH with `If-Match: etag` (pass `None` to omit the header).
    pub async fn patch(&self, path: &str, etag: Option<&str>, body: &Value) -> TestResponse {
        self.admin().patch(path, etag, body).await
    }

    /// DELETE with `If-Match: etag` (pass `None` to omit the header).
    pub async fn delete(&self, path: &str, etag: Option<&str>) -> TestResponse {
        self.admin().delete(path, etag).await
    }

    /// Sends raw bytes with the given headers (for malformed bodies and media types).
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> TestResponse {
        self.admin().raw(method, path, headers, body).await
    }
}

impl Caller<'_> {
    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(self.app.client.get(self.url(path)), None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> TestResponse {
        self.send(self.app.client.post(self.url(path)), Some(body))
            .await
    }

    pub async fn post_with(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> TestResponse {
        let request = with_headers(self.app.client.post(self.url(path)), headers);
        self.send(request, Some(body)).await
    }

    pub async fn patch(&self, path: &str, etag: Option<&str>, body: &Value) -> TestResponse {
        let mut request = self.app.client.patch(self.url(path));
        if let Some(etag) = etag {
            request = request.insert_header(("If-Match", etag));
        }
        self.send(request, Some(body)).await
    }

    pub async fn delete(&self, path: &str, etag: Option<&str>) -> TestResponse {
        let mut request = self.app.client.delete(self.url(path));
        if let Some(etag) = etag {
            request = request.insert_header(("If-Match", etag));
        }
        self.send(request, None).await
    }

    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> TestResponse {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let request = with_headers(self.app.client.request(method, self.url(path)), headers);
        let response = self
            .authorize(request)
            .send_body(body.to_vec())
            .await
            .expect("request sent");
        read(response).await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.app.address, path)
    }

    fn authorize(&self, request: awc::ClientRequest) -> awc::ClientRequest {
        match &self.token {
            Some(token) => request.insert_header(("Authorization", format!("Bearer {token}"))),
            None => request,
        }
    }

    async fn send(&self, request: awc::ClientRequest, body: Option<&Value>) -> TestResponse {
        let request = self.authorize(request);
        let response = match body {
            Some(body) => request.send_json(body).await,
            None => request.send().await,
        }
        .expect("request sent");
        read(response).await
    }
}

fn with_headers(mut request: awc::ClientRequest, headers: &[(&str, &str)]) -> awc::ClientRequest {
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    request
}

async fn read(mut response: awc::ClientResponse) -> TestResponse {
    let bytes = response
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .expect("body read");
    let text = String::from_utf8_lossy(&bytes).to_string();
    TestResponse {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        text,
        bytes: bytes.to_vec(),
    }
}
