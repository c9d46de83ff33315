//! The simulated API call: a request's parameters checked against the
//! operation's parameter table, and the response the API would give, both
//! driven by `rules/operations/<operation>.api.toml`.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

const CREATE_IMAGE: &str = include_str!("../../rules/operations/ens-CreateImage.api.toml");

/// One operation's API description, as in its `.api.toml` file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ApiSpec {
    pub operation: String,
    pub api_version: String,
    pub source: String,
    pub as_of: String,
    pub parameters: Vec<Parameter>,
    pub errors: Vec<ErrorCode>,
    pub answers: Answers,
    pub success: Success,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ParameterType,
    pub required: bool,
    pub description: String,
    pub example: String,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub characters: Option<Vec<String>>,
    pub first: Option<Vec<String>>,
    #[serde(default)]
    pub forbidden_prefixes: Vec<String>,
    pub values: Option<Vec<String>>,
    pub format: Option<Format>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParameterType {
    String,
    Boolean,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    RegionId,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ErrorCode {
    pub http_status: u16,
    pub code: String,
    pub message: String,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Answers {
    pub missing_parameter: String,
    pub invalid_parameter: String,
    pub permission_denied: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Success {
    pub http_status: u16,
    pub code: i64,
    pub id_field: String,
    pub id_prefix: String,
}

/// The API descriptions compiled into the binary, by operation.
fn specs() -> &'static Result<Vec<ApiSpec>, String> {
    static SPECS: OnceLock<Result<Vec<ApiSpec>, String>> = OnceLock::new();
    SPECS.get_or_init(|| {
        [("ens-CreateImage.api.toml", CREATE_IMAGE)]
            .into_iter()
            .map(|(file, text)| {
                let spec: ApiSpec =
                    toml::from_str(text).map_err(|e| format!("rules/operations/{file}: {e}"))?;
                spec.check()
                    .map_err(|e| format!("rules/operations/{file}: {e}"))?;
                Ok(spec)
            })
            .collect()
    })
}

/// The API description of `action` (matched ignoring case, as actions are),
/// `Ok(None)` when no description is compiled in.
pub fn spec_for(action: &str) -> Result<Option<&'static ApiSpec>, String> {
    let specs = specs().as_ref().map_err(Clone::clone)?;
    Ok(specs.iter().find(|s| s.operation.eq_ignore_ascii_case(action)))
}

/// One rule a request broke, answered with an API error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterError {
    pub parameter: String,
    pub http_status: u16,
    pub code: String,
    pub message: String,
    /// What exactly is wrong, in words; not part of the API's answer.
    pub detail: String,
}

/// The outcome of checking a request's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestCheck {
    /// Missing parameters first, then invalid ones in parameter-table order.
    pub errors: Vec<ParameterError>,
    /// Parameters the operation does not define; the API ignores or rejects
    /// them depending on the gateway, so they are worth a warning only.
    pub warnings: Vec<String>,
}

impl RequestCheck {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// What the simulated call answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    Error {
        http_status: u16,
        code: String,
        message: String,
        request_id: String,
    },
    Success {
        http_status: u16,
        code: i64,
        id_field: String,
        id: String,
        request_id: String,
    },
}

impl Response {
    /// The API's `Code`: an error code, or the success code as text.
    pub fn code(&self) -> String {
        match self {
            Response::Error { code, .. } => code.clone(),
            Response::Success { code, .. } => code.to_string(),
        }
    }

    pub fn http_status(&self) -> u16 {
        match self {
            Response::Error { http_status, .. } | Response::Success { http_status, .. } => *http_status,
        }
    }
}

/// The response body as the API shapes it, in the API's field order, plus
/// `HttpStatus` and a `Simulated` marker so it is never mistaken for a real
/// answer.
impl serde::Serialize for Response {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("HttpStatus", &self.http_status())?;
        match self {
            Response::Error {
                code,
                message,
                request_id,
                ..
            } => {
                map.serialize_entry("RequestId", request_id)?;
                map.serialize_entry("Code", code)?;
                map.serialize_entry("Message", message)?;
            }
            Response::Success {
                code,
                id_field,
                id,
                request_id,
                ..
            } => {
                map.serialize_entry("RequestId", request_id)?;
                map.serialize_entry("Code", code)?;
                map.serialize_entry(id_field, id)?;
            }
        }
        map.serialize_entry("Simulated", &true)?;
        map.end()
    }
}

impl ApiSpec {
    /// Consistency of the data itself: every code the answers name is in the
    /// error table, and every character class is known.
    fn check(&self) -> Result<(), String> {
        let answers = &self.answers;
        let named = [
            &answers.missing_parameter,
            &answers.invalid_parameter,
            &answers.permission_denied,
        ];
        for code in named {
            if self.error(code).is_none() {
                return Err(format!("`{code}` is not in the error table"));
            }
        }
        for p in &self.parameters {
            for class in p.characters.iter().chain(&p.first).flatten() {
                if !is_known_class(class) {
                    return Err(format!("{}: unknown character class `{class}`", p.name));
                }
            }
        }
        Ok(())
    }

    fn error(&self, code: &str) -> Option<&ErrorCode> {
        self.errors.iter().find(|e| e.code == code)
    }

    /// The error answered with `code` for `parameter`, `%s` filled in.
    fn answer(&self, code: &str, parameter: &str, detail: String) -> ParameterError {
        let (http_status, message) = self.error(code).map_or((400, String::new()), |e| {
            (e.http_status, e.message.replace("%s", parameter))
        });
        ParameterError {
            parameter: parameter.to_string(),
            http_status,
            code: code.replace("%s", parameter),
            message,
            detail,
        }
    }

    /// Checks a request: a JSON object of parameter values, each a string or
    /// a boolean (sent as `"true"`/`"false"`, as SDKs serialise it).
    pub fn check_request(&self, request: &Map<String, Value>) -> RequestCheck {
        let mut check = RequestCheck::default();
        for p in self.parameters.iter().filter(|p| p.required) {
            if !request.contains_key(&p.name) {
                let detail = format!("{} is required: {}", p.name, p.description);
                check
                    .errors
                    .push(self.answer(&self.answers.missing_parameter, &p.name, detail));
            }
        }
        for p in &self.parameters {
            let Some(value) = request.get(&p.name) else {
                continue;
            };
            if let Err(detail) = p.check(value) {
                check
                    .errors
                    .push(self.answer(&self.answers.invalid_parameter, &p.name, detail));
            }
        }
        for name in request.keys() {
            if !self.parameters.iter().any(|p| &p.name == name) {
                let hint = self
                    .parameters
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(name))
                    .map(|p| format!(" (parameter names are case-sensitive: did you mean {}?)", p.name))
                    .unwrap_or_default();
                check.warnings.push(format!(
                    "{name} is not a parameter of {}{hint}; known parameters: {}",
                    self.operation,
                    self.parameters
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        check
    }

    /// The response: the first parameter error, else NoPermission when the
    /// decision is not allow, else success. `seed` makes the ids repeatable.
    pub fn respond(&self, check: &RequestCheck, allowed: bool, seed: &str) -> Response {
        let request_id = request_id(seed);
        if let Some(error) = check.errors.first() {
            return Response::Error {
                http_status: error.http_status,
                code: error.code.clone(),
                message: error.message.clone(),
                request_id,
            };
        }
        if !allowed {
            let denied = self.answer(&self.answers.permission_denied, "", String::new());
            return Response::Error {
                http_status: denied.http_status,
                code: denied.code,
                message: denied.message,
                request_id,
            };
        }
        Response::Success {
            http_status: self.success.http_status,
            code: self.success.code,
            id_field: self.success.id_field.clone(),
            id: format!("{}{:016x}", self.success.id_prefix, fnv1a(seed.as_bytes(), 1)),
            request_id,
        }
    }

    /// "ens:CreateImage API 2017-11-10 (as of 2026-03-27, <source>)".
    pub fn provenance(&self) -> String {
        format!(
            "{} API {} (as of {}, {})",
            self.operation, self.api_version, self.as_of, self.source
        )
    }
}

impl Parameter {
    /// The value as the API receives it, or why it cannot be sent.
    fn wire_value(&self, value: &Value) -> Result<String, String> {
        match value {
            Value::String(s) => Ok(s.clone()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(format!(
                "{} must be a JSON string or boolean, found {}",
                self.name,
                json_type(other)
            )),
        }
    }

    fn check(&self, value: &Value) -> Result<(), String> {
        let text = self.wire_value(value)?;
        let name = &self.name;
        if self.kind == ParameterType::Boolean && text != "true" && text != "false" {
            return Err(format!("{name} is a boolean: true or false, found `{text}`"));
        }
        if let Some(values) = &self.values {
            if !values.contains(&text) {
                return Err(format!(
                    "{name} must be one of {}, found `{text}`",
                    quoted(values)
                ));
            }
        }
        let length = text.chars().count();
        if let Some(min) = self.min_length.filter(|min| length < *min) {
            return Err(format!(
                "{name} must be at least {min} characters, found {length}"
            ));
        }
        if let Some(max) = self.max_length.filter(|max| length > *max) {
            return Err(format!("{name} must be at most {max} characters, found {length}"));
        }
        let lower = text.to_ascii_lowercase();
        if let Some(prefix) = self
            .forbidden_prefixes
            .iter()
            .find(|p| lower.starts_with(p.as_str()))
        {
            return Err(format!("{name} cannot start with {prefix}"));
        }
        if let (Some(first), Some(c)) = (&self.first, text.chars().next()) {
            if !first.iter().any(|class| in_class(class, c)) {
                return Err(format!(
                    "{name} must start with a {}, found `{c}`",
                    first.join(" or ").replace("chinese", "Chinese character")
                ));
            }
        }
        if let Some(classes) = &self.characters {
            if let Some(c) = text
                .chars()
                .find(|c| !classes.iter().any(|class| in_class(class, *c)))
            {
                return Err(format!(
                    "{name} may contain only {}, found `{}`",
                    classes
                        .iter()
                        .map(|c| match c.as_str() {
                            "letter" => "letters".to_string(),
                            "digit" => "digits".to_string(),
                            "chinese" => "Chinese characters".to_string(),
                            other => format!("`{other}`"),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    c.escape_debug()
                ));
            }
        }
        if self.format == Some(Format::RegionId) && !is_region_id(&text) {
            return Err(format!(
                "{name} must be a region ID such as {}, found `{text}`",
                self.example
            ));
        }
        Ok(())
    }
}

fn is_known_class(class: &str) -> bool {
    matches!(class, "letter" | "digit" | "chinese") || class.chars().count() == 1
}

fn in_class(class: &str, c: char) -> bool {
    match class {
        "letter" => c.is_ascii_alphabetic(),
        "digit" => c.is_ascii_digit(),
        // CJK Unified Ideographs and Extension A: what "Chinese characters"
        // means in Alibaba Cloud's naming rules.
        "chinese" => matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}'),
        literal => literal.chars().eq([c]),
    }
}

/// `cn-beijing`, `ap-southeast-1`: lowercase words joined by hyphens, the
/// first starting with a letter.
fn is_region_id(text: &str) -> bool {
    let mut words = text.split('-');
    let first_ok = words
        .next()
        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_lowercase()) && is_word(w));
    let rest: Vec<&str> = words.collect();
    first_ok && !rest.is_empty() && rest.iter().all(|w| is_word(w))
}

fn is_word(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// 64-bit FNV-1a, salted: stable across runs and platforms, unlike std's hasher.
fn fnv1a(bytes: &[u8], salt: u8) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(&salt).chain(bytes) {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A request id in the API's shape (8-4-4-4-12 uppercase hex), derived from
/// the inputs so the same simulation always prints the same id.
fn request_id(seed: &str) -> String {
    let hex = format!(
        "{:016X}{:016X}",
        fnv1a(seed.as_bytes(), 2),
        fnv1a(seed.as_bytes(), 3)
    );
    let mut id = String::new();
    for (i, part) in [0..8, 8..12, 12..16, 16..20, 20..32].into_iter().enumerate() {
        if i > 0 {
            id.push('-');
        }
        id.push_str(&hex[part]);
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    impl Response {
        fn json(&self) -> Value {
            serde_json::to_value(self).unwrap_or_default()
        }
    }

    fn create_image() -> &'static ApiSpec {
        spec_for("ens:createimage")
            .expect("the embedded data loads")
            .expect("CreateImage is described")
    }

    fn check(request: Value) -> RequestCheck {
        match request {
            Value::Object(map) => create_image().check_request(&map),
            _ => unreachable!("tests pass objects"),
        }
    }

    fn codes(request: Value) -> Vec<String> {
        check(request).errors.into_iter().map(|e| e.code).collect()
    }

    #[test]
    fn valid_requests_pass() {
        for name in [
            "ab",
            "Image_1:v-2",
            "镜像-01",
            "a中文",
            &format!("a{}", "b".repeat(127)),
        ] {
            assert_eq!(
                codes(json!({ "ImageName": name })),
                Vec::<String>::new(),
                "{name}"
            );
        }
        let full = json!({
            "ImageName": "web-base",
            "InstanceId": "i-5rr1bnyrc4tswr8cq3w6y",
            "DeleteAfterImageUpload": "true",
            "SnapshotId": "s-1",
            "TargetOSSRegionId": "ap-southeast-1",
            "WithDataDisks": true
        });
        let result = check(full);
        assert!(result.is_valid() && result.warnings.is_empty(), "{result:?}");
    }

    #[test]
    fn image_name_rules() {
        let invalid = [
            "a",
            "1abc",
            "_abc",
            "http://x",
            "HTTPS://x",
            "ab cd",
            "ab/cd",
            "ab.cd",
        ];
        for name in invalid {
            assert_eq!(
                codes(json!({ "ImageName": name })),
                ["InvalidParameter.ImageName"],
                "{name}"
            );
        }
        assert_eq!(
            codes(json!({ "ImageName": format!("a{}", "b".repeat(128)) })),
            ["InvalidParameter.ImageName"]
        );
        assert_eq!(codes(json!({ "ImageName": 5 })), ["InvalidParameter.ImageName"]);
        assert_eq!(codes(json!({})), ["MissingParameter"]);
    }

    #[test]
    fn other_parameter_rules() {
        let cases = [
            (
                "DeleteAfterImageUpload",
                json!("yes"),
                "InvalidParameter.DeleteAfterImageUpload",
            ),
            (
                "DeleteAfterImageUpload",
                json!("True"),
                "InvalidParameter.DeleteAfterImageUpload",
            ),
            ("WithDataDisks", json!("1"), "InvalidParameter.WithDataDisks"),
            ("WithDataDisks", json!(null), "InvalidParameter.WithDataDisks"),
            (
                "TargetOSSRegionId",
                json!("Beijing"),
                "InvalidParameter.TargetOSSRegionId",
            ),
            (
                "TargetOSSRegionId",
                json!("cn"),
                "InvalidParameter.TargetOSSRegionId",
            ),
            (
                "TargetOSSRegionId",
                json!("cn--beijing"),
                "InvalidParameter.TargetOSSRegionId",
            ),
        ];
        for (name, value, code) in cases {
            let mut request = json!({ "ImageName": "ok-name" });
            request[name] = value.clone();
            assert_eq!(codes(request), [code], "{name}={value}");
        }
        for ok in [json!(false), json!("false"), json!("true")] {
            assert!(check(json!({ "ImageName": "ok", "WithDataDisks": ok })).is_valid());
            assert!(check(json!({ "ImageName": "ok", "DeleteAfterImageUpload": ok })).is_valid());
        }
    }

    #[test]
    fn unknown_parameters_warn_with_a_case_hint() {
        let result = check(json!({ "ImageName": "ok", "imagename": "x", "Foo": "1" }));
        assert!(result.is_valid());
        assert_eq!(result.warnings.len(), 2);
        assert!(
            result.warnings[0].starts_with("Foo is not a parameter"),
            "{:?}",
            result.warnings
        );
        assert!(
            result.warnings[1].contains("did you mean ImageName?"),
            "{:?}",
            result.warnings
        );
    }

    #[test]
    fn responses_follow_the_error_table() {
        let spec = create_image();
        let missing = spec.respond(&check(json!({})), true, "s");
        assert_eq!(missing.json()["Code"], "MissingParameter");
        assert_eq!(
            missing.json()["Message"],
            "The input parameters that is mandatory for processing this request is not supplied."
        );
        let invalid = spec.respond(&check(json!({ "ImageName": "1" })), false, "s");
        assert_eq!(invalid.code(), "InvalidParameter.ImageName");
        assert_eq!(
            invalid.json()["Message"],
            "The specified field ImageName invalid. Please check it again."
        );
        let denied = spec.respond(&check(json!({ "ImageName": "ok" })), false, "s");
        assert_eq!(denied.json()["Message"], "Permission denied.");
        assert_eq!(
            (denied.http_status(), denied.code().as_str()),
            (400, "NoPermission")
        );
        let ok = spec
            .respond(&check(json!({ "ImageName": "ok" })), true, "s")
            .json();
        assert_eq!(
            (ok["HttpStatus"].clone(), ok["Code"].clone()),
            (json!(200), json!(0))
        );
        assert_eq!(ok["Simulated"], true);
        let again = spec
            .respond(&check(json!({ "ImageName": "ok" })), true, "s")
            .json();
        assert_eq!(ok, again, "ids are deterministic");
        let other = spec
            .respond(&check(json!({ "ImageName": "ok" })), true, "t")
            .json();
        assert_ne!(ok["RequestId"], other["RequestId"]);
        let id = ok["RequestId"].as_str().unwrap_or_default();
        assert_eq!(id.split('-').map(str::len).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert!(ok["ImageId"].as_str().is_some_and(|i| i.starts_with("m-")));
    }

    #[test]
    fn inconsistent_data_is_refused() {
        let unknown_code = CREATE_IMAGE.replace(
            "permission-denied = \"NoPermission\"",
            "permission-denied = \"Forbidden\"",
        );
        let unknown_class = CREATE_IMAGE.replace("first = [\"letter\"", "first = [\"letters\"");
        for (text, why) in [
            (unknown_code, "`Forbidden` is not in the error table"),
            (unknown_class, "unknown character class `letters`"),
        ] {
            assert_ne!(text, CREATE_IMAGE, "the replacement applies");
            let spec: ApiSpec = toml::from_str(&text).expect("still parses");
            assert!(spec.check().is_err_and(|e| e.contains(why)), "{why}");
        }
    }

    #[test]
    fn error_table_is_the_seeds() {
        let spec = create_image();
        let codes: Vec<&str> = spec.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "MissingParameter",
                "NoPermission",
                "CallInterface",
                "InvalidParameter.%s",
                "QuotaExceed"
            ]
        );
        assert!(spec.errors.iter().all(|e| e.http_status == 400));
        assert!(spec.provenance().starts_with("ens:CreateImage API 2017-11-10"));
        assert!(spec_for("ens:DeleteImage").expect("loads").is_none());
    }
}
