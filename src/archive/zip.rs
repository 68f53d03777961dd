//! Zip (wheel) writer: seekable (no data descriptors), deflate, fixed times and modes.

use std::fs::File;
use std::io::{BufWriter, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime};

use super::{ArchiveWriter, Error, Reproducible, DEFAULT_EPOCH};

/// Deflate level: zlib's default, the usual balance for wheels (pip and uv use it too).
const LEVEL: i64 = 6;

/// Writes a wheel (or any zip) to a file.
pub struct ZipWriter {
    inner: zip::ZipWriter<BufWriter<File>>,
    options: SimpleFileOptions,
    method: CompressionMethod,
}

impl ZipWriter {
    /// A writer into `file`; `compress = false` stores entries (editable wheels are tiny).
    pub fn new(file: File, repro: Reproducible, compress: bool) -> Self {
        // Zip cannot hold times before 1980; clamp as the wheel spec's tooling does.
        let secs = repro.mtime.max(DEFAULT_EPOCH);
        let time = zip_time(secs);
        let method = if compress { CompressionMethod::Deflated } else { CompressionMethod::Stored };
        let options = SimpleFileOptions::default().last_modified_time(time).compression_method(method);
        Self { inner: zip::ZipWriter::new(BufWriter::new(file)), options, method }
    }
}

/// Seconds since the epoch to an MS-DOS time (UTC, 2-second resolution).
fn zip_time(secs: u64) -> DateTime {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let year = y.clamp(1980, 2107) as u16;
    DateTime::from_date_and_time(
        year,
        m as u8,
        d as u8,
        (rem / 3600) as u8,
        ((rem % 3600) / 60) as u8,
        (rem % 60) as u8,
    )
    .unwrap_or_default()
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    // Howard Hinnant's algorithm: exact for every day, no calendar crate needed for one date.
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl ArchiveWriter for ZipWriter {
    fn add_file(&mut self, path: &str, data: &[u8], executable: bool) -> Result<(), Error> {
        let mut options = self.options.unix_permissions(Reproducible::mode(executable));
        if data.len() as u64 >= u32::MAX as u64 {
            options = options.large_file(true);
        }
        if self.method == CompressionMethod::Deflated {
            options = options.compression_level(Some(LEVEL));
        }
        self.inner.start_file(path, options).map_err(|source| Error::Zip { path: path.into(), source })?;
        self.inner.write_all(data)?;
        Ok(())
    }

    fn add_directory(&mut self, _path: &str) -> Result<(), Error> {
        // Wheels carry no directory entries: installers create folders from file paths.
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<(), Error> {
        let mut out = self
            .inner
            .finish()
            .map_err(|source| Error::Zip { path: "<central directory>".into(), source })?;
        out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(10_957), (2000, 1, 1));
        let t = zip_time(1_700_000_000); // 2023-11-14T22:13:20Z
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second()),
            (2023, 11, 14, 22, 13, 20)
        );
        let t = zip_time(DEFAULT_EPOCH);
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
    }
}
