//! `mastodon-csv`: Mastodon's domain-block export (`#domain,#severity,#reject_media,
//! #reject_reports,#public_comment,#obfuscate`), read as RFC 4180 with columns by name.

use super::shared::{block, domain_text, flag, quote, Collector, Row};
use super::FormatError;
use crate::governance::advice::{Format, ListReading, Skipped};
use csv::StringRecord;

fn not_csv(detail: String) -> FormatError {
    FormatError::NotTheFormat {
        format: Format::MastodonCsv,
        detail,
    }
}

/// Where each known column is, by its name in the header (with or without `#`).
struct Columns {
    domain: usize,
    severity: Option<usize>,
    reject_media: Option<usize>,
    reject_reports: Option<usize>,
    public_comment: Option<usize>,
    comment: Option<usize>,
}

impl Columns {
    fn from_header(header: &StringRecord) -> Option<Columns> {
        let names: Vec<String> = header
            .iter()
            .map(|name| {
                name.trim()
                    .trim_start_matches('#')
                    .trim()
                    .to_ascii_lowercase()
            })
            .collect();
        // The first column of a name is the one read.
        let find = |wanted: &str| names.iter().position(|name| name == wanted);
        Some(Columns {
            domain: find("domain")?,
            severity: find("severity"),
            reject_media: find("reject_media"),
            reject_reports: find("reject_reports"),
            public_comment: find("public_comment"),
            comment: find("comment"),
        })
    }

    /// One row; a short row reads what it has (a missing domain is `Invalid`).
    fn row<'a>(&self, record: &'a StringRecord) -> Result<Row<'a>, Skipped> {
        let cell = |index: Option<usize>| index.and_then(|index| record.get(index));
        let domain = domain_text(cell(Some(self.domain)))?;
        let boolean = |index| flag(cell(index).unwrap_or("")).ok_or(Skipped::Invalid);
        let reject_media = boolean(self.reject_media)?;
        let reject_reports = boolean(self.reject_reports)?;
        let advice = block(cell(self.severity), reject_media, reject_reports)?;
        let comment = [self.public_comment, self.comment]
            .into_iter()
            .filter_map(cell)
            .find(|text| !text.trim().is_empty())
            .unwrap_or("");
        Ok(Row {
            domain,
            advice,
            comment,
        })
    }
}

fn unreadable(error: &csv::Error) -> FormatError {
    let line = error
        .position()
        .map_or(String::new(), |at| format!(" at line {}", at.line()));
    not_csv(format!("it could not be read{line} ({error})"))
}

pub(super) fn parse(body: &str) -> Result<ListReading, FormatError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes());
    let mut record = StringRecord::new();
    if !reader
        .read_record(&mut record)
        .map_err(|e| unreadable(&e))?
    {
        return Err(not_csv(
            "it is empty, without even the header row (#domain,#severity,…) a Mastodon export starts with"
                .to_owned(),
        ));
    }
    // The csv crate skips empty lines before the header without counting them.
    let line = body.lines().position(|line| !line.is_empty()).unwrap_or(0) + 1;
    let columns = Columns::from_header(&record).ok_or_else(|| {
        let first: Vec<&str> = record.iter().collect();
        not_csv(format!(
            "its first row (line {line}), which should be the header, has no “domain” column; it reads {}",
            quote(&first.join(","))
        ))
    })?;
    let mut out = Collector::default();
    while reader
        .read_record(&mut record)
        .map_err(|e| unreadable(&e))?
    {
        if record.iter().all(|field| field.trim().is_empty()) {
            continue; // a blank line
        }
        out.take(columns.row(&record));
    }
    Ok(out.finish())
}
