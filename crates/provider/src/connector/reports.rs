//! Settlement data over SP-API: the Finances API's financial event groups
//! (`listFinancialEventGroups`) and the Reports API's settlement reports
//! (`getReports`, `getReportDocument`, then the document's presigned URL).

use super::{Connector, ConnectorError};
use serde_json::Value;
use std::io::Read;

/// Amazon generates these for every settlement; they cannot be requested.
pub const SETTLEMENT_REPORT_TYPES: [&str; 2] = [
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2",
    "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE",
];

/// A bound on pages followed, so that a marketplace answering `nextToken`
/// forever cannot keep a refresh running.
const MAX_PAGES: usize = 50;

/// One settlement report as `getReports` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedReport {
    pub report_id: String,
    pub report_type: String,
    pub document_id: String,
}

impl Connector {
    /// Every financial event group that started after `started_after`
    /// (ISO 8601; the API refuses windows over 180 days), page by page.
    pub async fn financial_event_groups(
        &self,
        refresh_token: &str,
        started_after: &str,
    ) -> Result<Vec<Value>, ConnectorError> {
        let mut path = format!(
            "/finances/v0/financialEventGroups?MaxResultsPerPage=100&FinancialEventGroupStartedAfter={started_after}"
        );
        let mut groups = Vec::new();
        for _ in 0..MAX_PAGES {
            let answer = self.get(refresh_token, &path).await?;
            let payload = &answer["payload"];
            groups.extend(
                payload["FinancialEventGroupList"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            );
            match payload["NextToken"].as_str() {
                Some(token) => {
                    path = format!(
                        "/finances/v0/financialEventGroups?NextToken={}",
                        form_encode(token)
                    );
                }
                None => break,
            }
        }
        Ok(groups)
    }

    /// The settlement reports of a marketplace that are ready (`DONE`).
    pub async fn settlement_reports(
        &self,
        refresh_token: &str,
        marketplace_id: &str,
    ) -> Result<Vec<ListedReport>, ConnectorError> {
        let mut path = format!(
            "/reports/2021-06-30/reports?reportTypes={}&processingStatuses=DONE&marketplaceIds={marketplace_id}&pageSize=100",
            SETTLEMENT_REPORT_TYPES.join(",")
        );
        let mut reports = Vec::new();
        for _ in 0..MAX_PAGES {
            let answer = self.get(refresh_token, &path).await?;
            for report in answer["reports"].as_array().into_iter().flatten() {
                let text = |key: &str| report[key].as_str().map(str::to_string);
                if let (Some(report_id), Some(report_type), Some(document_id)) = (
                    text("reportId"),
                    text("reportType"),
                    text("reportDocumentId"),
                ) {
                    reports.push(ListedReport {
                        report_id,
                        report_type,
                        document_id,
                    });
                }
            }
            match answer["nextToken"].as_str() {
                Some(token) => {
                    path = format!(
                        "/reports/2021-06-30/reports?nextToken={}",
                        form_encode(token)
                    );
                }
                None => break,
            }
        }
        Ok(reports)
    }

    /// A report document's text: `getReportDocument` for the presigned URL,
    /// then the download (the URL is the credential, so no token goes with
    /// it), decompressed when the document is GZIP.
    pub async fn report_document(
        &self,
        refresh_token: &str,
        document_id: &str,
    ) -> Result<String, ConnectorError> {
        let answer = self
            .get(
                refresh_token,
                &format!("/reports/2021-06-30/documents/{}", form_encode(document_id)),
            )
            .await?;
        let url = answer["url"]
            .as_str()
            .ok_or_else(|| ConnectorError::Refused("the report document has no URL".into()))?;
        let gzip = answer["compressionAlgorithm"] == "GZIP";
        let bytes = self.download(url).await?;
        let bytes = if gzip { gunzip(&bytes)? } else { bytes };
        String::from_utf8(bytes)
            .map_err(|_| ConnectorError::Refused("the report document is not UTF-8 text".into()))
    }

    async fn download(&self, url: &str) -> Result<Vec<u8>, ConnectorError> {
        for attempt in 1..=self.attempts() {
            match self.http.get(url).send().await {
                Ok(response) if response.status().is_success() => {
                    return response
                        .bytes()
                        .await
                        .map(|bytes| bytes.to_vec())
                        .map_err(|_| ConnectorError::Unavailable);
                }
                Ok(response) if response.status().is_client_error() => {
                    return Err(ConnectorError::Refused(format!(
                        "the report document's link answered {}",
                        response.status()
                    )));
                }
                _ => self.back_off(attempt).await,
            }
        }
        Err(ConnectorError::Unavailable)
    }
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, ConnectorError> {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut text)
        .map_err(|_| ConnectorError::Refused("the report document is not valid GZIP".into()))?;
    Ok(text)
}

/// Percent-encodes a query or path value (tokens are base64 and may carry
/// `+`, `/`, `=`).
fn form_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_percent_encoded() {
        assert_eq!(form_encode("a+b/c=="), "a%2Bb%2Fc%3D%3D");
        assert_eq!(form_encode("plain-token_1.2~"), "plain-token_1.2~");
    }

    #[test]
    fn gzip_documents_are_decompressed() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(b"settlement-id\ttotal-amount\n").unwrap();
        let compressed = encoder.finish().unwrap();
        assert_eq!(
            gunzip(&compressed).unwrap(),
            b"settlement-id\ttotal-amount\n"
        );
        assert!(gunzip(b"not gzip").is_err());
    }
}
