//! Turning failures into the admin API's error envelope.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use ferry_platform::http::ApiError;
use serde::de::DeserializeOwned;

/// Logs a failure that is ours and answers with the generic 500 envelope.
pub fn internal(cause: impl std::fmt::Display) -> ApiError {
    ApiError::internal(&cause)
}

pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

pub fn not_found(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, code, message)
}

/// A JSON body whose syntax and shape errors answer with the admin API's
/// envelope (`invalid_json`) instead of axum's plain-text rejection.
pub struct AdminJson<T>(pub T);

impl<S, T> FromRequest<S> for AdminJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    bad_request(
        "invalid_json",
        format!("The request body is not the JSON this endpoint expects: {rejection}"),
    )
}
