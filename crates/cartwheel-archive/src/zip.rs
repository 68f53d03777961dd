//! Zip (wheel) writer: local headers that carry the sizes and CRC (no data descriptors), the
//! central directory agreeing with them, zip64 only where a field overflows, fixed times and
//! modes, no extra fields.
//!
//! Adding a file has two halves: [`ZipEntry::new`] deflates and checksums one member on its
//! own (any thread, any order), and [`ZipWriter::add_entry`] lays the entries down in the
//! caller's order. The bytes depend only on the entries, so compressing them in parallel
//! writes exactly what the sequential [`ArchiveWriter::add_file`] writes.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};

use zip::DateTime;

use super::{deflate, ArchiveWriter, Error, Reproducible, Streamed, DEFAULT_EPOCH};

const STORED: u16 = 0;
const DEFLATED: u16 = 8;
/// Version needed to extract: 2.0 (deflate), 4.5 (zip64).
const VERSION: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// "Version made by": high byte 3 = Unix, so readers take permissions from the external
/// attributes (pip sets the executable bit from them).
const MADE_BY_UNIX: u16 = 3 << 8;
/// General purpose flag bit 11: the name is UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// A 32-bit field too small for its value: the value is in the zip64 extra field.
const OVERFLOW32: u64 = u32::MAX as u64;

/// One member's bytes compressed and checksummed, ready to be written.
#[derive(Debug, Clone)]
pub struct ZipEntry {
    /// The bytes as stored in the archive (a copy when stored: entries outlive their input).
    data: Vec<u8>,
    method: u16,
    crc32: u32,
    size: u64,
}

impl ZipEntry {
    /// Deflate `data` (when `compress` and it gets smaller, else store it) and take its CRC.
    pub fn new(data: &[u8], compress: bool) -> Result<Self, Error> {
        let crc32 = crc32fast::hash(data);
        let size = data.len() as u64;
        if compress && !data.is_empty() {
            let deflated = deflate::all(data)?;
            if deflated.len() < data.len() {
                return Ok(Self { data: deflated, method: DEFLATED, crc32, size });
            }
        }
        Ok(Self { data: data.to_vec(), method: STORED, crc32, size })
    }
}

/// Writes a wheel (or any zip) to a file.
pub struct ZipWriter {
    out: BufWriter<File>,
    /// Bytes written so far: the next local header's offset.
    offset: u64,
    /// Central directory records, written at the end (tens of bytes per member).
    central: Vec<u8>,
    entries: u64,
    time: u16,
    date: u16,
    compress: bool,
}

impl ZipWriter {
    /// A writer into `file`; `compress = false` stores entries (editable wheels are tiny).
    pub fn new(file: File, repro: Reproducible, compress: bool) -> Self {
        // Zip cannot hold times before 1980; clamp as the wheel spec's tooling does.
        let time = zip_time(repro.mtime.max(DEFAULT_EPOCH));
        Self {
            out: BufWriter::with_capacity(256 << 10, file),
            offset: 0,
            central: Vec::new(),
            entries: 0,
            time: time.timepart(),
            date: time.datepart(),
            compress,
        }
    }

    /// Whether entries for this writer should be deflated (what [`ZipEntry::new`] is given).
    pub fn compresses(&self) -> bool {
        self.compress
    }

    /// Write a prepared member at the end of the archive.
    pub fn add_entry(&mut self, path: &str, entry: &ZipEntry, executable: bool) -> Result<(), Error> {
        let csize = entry.data.len() as u64;
        let header = Header { method: entry.method, crc32: entry.crc32, size: entry.size, csize };
        let large = entry.size >= OVERFLOW32 || csize >= OVERFLOW32;
        let h = self.local_header(path, &header, large)?;
        self.out.write_all(&h)?;
        self.out.write_all(&entry.data)?;
        self.central_record(path, &header, executable);
        self.offset += h.len() as u64 + csize;
        Ok(())
    }

    /// Add a member of `size` bytes read from `reader` in chunks: checksummed and deflated as
    /// it is read and written straight to the archive, then its local header completed. The
    /// bytes are the same as [`ArchiveWriter::add_file`] given the whole content makes (both
    /// deflate the same fixed pieces); `observe` sees every chunk.
    pub fn add_stream<R: Read + Seek + ?Sized>(
        &mut self,
        path: &str,
        reader: &mut R,
        size: u64,
        executable: bool,
        observe: &mut dyn FnMut(&[u8]),
    ) -> Result<(), Error> {
        let deflate = self.compress && size > 0;
        let mut header = Header { method: if deflate { DEFLATED } else { STORED }, crc32: 0, size, csize: 0 };
        // Deflating only ever makes the member smaller (else it is stored), so the compressed
        // size overflows only with the size, which is known now.
        let large = size >= OVERFLOW32;
        let h = self.local_header(path, &header, large)?;
        self.out.write_all(&h)?;
        let data_start = self.offset + h.len() as u64;
        let mut crc = crc32fast::Hasher::new();
        let mut read = 0u64;
        let mut chunk = vec![0u8; STREAM_CHUNK];
        let mut each = |data: &[u8]| {
            crc.update(data);
            observe(data);
            read += data.len() as u64;
        };
        header.csize = if deflate {
            deflate_into(&mut &mut *reader, &mut self.out, &mut each)?
        } else {
            copy_into(&mut &mut *reader, &mut chunk, &mut self.out, &mut each)?
        };
        if read != size {
            return Err(changed(path, size, read).into());
        }
        header.crc32 = crc.finalize();
        if deflate && header.csize >= size {
            // Deflate did not help: store the member, as the in-memory path does.
            self.out.seek(SeekFrom::Start(data_start))?;
            reader.seek(SeekFrom::Start(0))?;
            let copied = copy_into(&mut reader.take(size), &mut chunk, &mut self.out, &mut |_| {})?;
            if copied != size {
                return Err(changed(path, size, copied).into());
            }
            self.out.flush()?;
            self.out.get_ref().set_len(data_start + size)?;
            header.method = STORED;
            header.csize = size;
        }
        // Complete the local header: method, CRC and compressed size.
        let start = self.offset;
        self.out.seek(SeekFrom::Start(start + 8))?;
        self.out.write_all(&header.method.to_le_bytes())?;
        self.out.seek(SeekFrom::Start(start + 14))?;
        self.out.write_all(&header.crc32.to_le_bytes())?;
        if large {
            // The zip64 extra after the name holds (size, compressed size).
            self.out.seek(SeekFrom::Start(start + 30 + path.len() as u64 + 4 + 8))?;
            self.out.write_all(&header.csize.to_le_bytes())?;
        } else {
            self.out.write_all(&(header.csize as u32).to_le_bytes())?;
        }
        self.out.seek(SeekFrom::Start(data_start + header.csize))?;
        self.central_record(path, &header, executable);
        self.offset = data_start + header.csize;
        Ok(())
    }

    /// A local file header for `header`, with the zip64 extra when `large`.
    fn local_header(&self, path: &str, header: &Header, large: bool) -> Result<Vec<u8>, Error> {
        let name = path.as_bytes();
        if name.len() > u16::MAX as usize {
            return Err(std::io::Error::other(format!("zip entry name too long: `{path}`")).into());
        }
        let flags = if path.is_ascii() { 0 } else { FLAG_UTF8 };
        let needed = if large || self.offset >= OVERFLOW32 { VERSION_ZIP64 } else { VERSION };
        // The zip64 extra, when present, holds both sizes (APPNOTE 4.5.3).
        let mut local_extra = Vec::new();
        if large {
            extra_zip64(&mut local_extra, &[header.size, header.csize]);
        }
        let mut h = Vec::with_capacity(30 + name.len() + local_extra.len());
        put32(&mut h, 0x0403_4b50);
        put16(&mut h, needed);
        put16(&mut h, flags);
        put16(&mut h, header.method);
        put16(&mut h, self.time);
        put16(&mut h, self.date);
        put32(&mut h, header.crc32);
        put32(&mut h, if large { u32::MAX } else { header.csize as u32 });
        put32(&mut h, if large { u32::MAX } else { header.size as u32 });
        put16(&mut h, name.len() as u16);
        put16(&mut h, local_extra.len() as u16);
        h.extend_from_slice(name);
        h.extend_from_slice(&local_extra);
        Ok(h)
    }

    /// Queue the central directory record of the member whose local header is at `offset`.
    fn central_record(&mut self, path: &str, header: &Header, executable: bool) {
        let name = path.as_bytes();
        let flags = if path.is_ascii() { 0 } else { FLAG_UTF8 };
        let large = header.size >= OVERFLOW32 || header.csize >= OVERFLOW32;
        let needed = if large || self.offset >= OVERFLOW32 { VERSION_ZIP64 } else { VERSION };
        // Only the fields that overflow move to the zip64 extra, in order.
        let mut values = Vec::new();
        let size32 = clamp32(header.size, &mut values);
        let csize32 = clamp32(header.csize, &mut values);
        let offset32 = clamp32(self.offset, &mut values);
        let mut extra = Vec::new();
        if !values.is_empty() {
            extra_zip64(&mut extra, &values);
        }
        let c = &mut self.central;
        put32(c, 0x0201_4b50);
        put16(c, MADE_BY_UNIX | needed);
        put16(c, needed);
        put16(c, flags);
        put16(c, header.method);
        put16(c, self.time);
        put16(c, self.date);
        put32(c, header.crc32);
        put32(c, csize32);
        put32(c, size32);
        put16(c, name.len() as u16);
        put16(c, extra.len() as u16);
        put16(c, 0); // comment length
        put16(c, 0); // disk number
        put16(c, 0); // internal attributes
        put32(c, (0o100_000 | Reproducible::mode(executable)) << 16); // regular file + mode
        put32(c, offset32);
        c.extend_from_slice(name);
        c.extend_from_slice(&extra);
        self.entries += 1;
    }
}

/// The fields of a member's headers that depend on its content.
struct Header {
    method: u16,
    crc32: u32,
    size: u64,
    csize: u64,
}

/// Bytes read at a time from a streamed member.
const STREAM_CHUNK: usize = 1 << 20;

/// The error for a file whose size changed while it was being archived.
fn changed(path: &str, size: u64, read: u64) -> std::io::Error {
    std::io::Error::other(format!(
        "`{path}` changed while it was being archived ({size} bytes when listed, {read} read)"
    ))
}

/// Read `reader` to its end in `chunk`-sized pieces, handing each to `each`.
fn read_chunks<R: Read>(
    reader: &mut R,
    chunk: &mut [u8],
    mut each: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    loop {
        let n = match reader.read(chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        each(&chunk[..n])?;
    }
}

/// Copy `reader` into `out`; returns the bytes copied.
fn copy_into<R: Read, W: Write>(
    reader: &mut R,
    chunk: &mut [u8],
    out: &mut W,
    each: &mut dyn FnMut(&[u8]),
) -> std::io::Result<u64> {
    let mut n = 0u64;
    read_chunks(reader, chunk, |data| {
        each(data);
        n += data.len() as u64;
        out.write_all(data)
    })?;
    Ok(n)
}

/// Raw-deflate `reader` into `out` as it is read, in [`deflate::PIECE`]-sized pieces (one held
/// back until the next read tells whether it is the last); returns the compressed size.
fn deflate_into<R: Read, W: Write>(
    reader: &mut R,
    out: &mut W,
    each: &mut dyn FnMut(&[u8]),
) -> std::io::Result<u64> {
    let mut current = vec![0u8; deflate::PIECE];
    let mut next = vec![0u8; deflate::PIECE];
    let mut filled = read_full(reader, &mut current)?;
    let mut written = 0u64;
    loop {
        each(&current[..filled]);
        // Only a full piece can have more after it.
        let more = if filled == deflate::PIECE { read_full(reader, &mut next)? } else { 0 };
        let d = if more > 0 { deflate::piece(&current)? } else { deflate::whole(&current[..filled])? };
        out.write_all(&d)?;
        written += d.len() as u64;
        if more == 0 {
            return Ok(written);
        }
        std::mem::swap(&mut current, &mut next);
        filled = more;
    }
}

/// Read into `buf` until it is full or the input ends; returns the bytes read.
fn read_full<R: Read>(reader: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// `value` as a 32-bit field, or the overflow marker with `value` queued for the zip64 extra.
fn clamp32(value: u64, zip64: &mut Vec<u64>) -> u32 {
    if value >= OVERFLOW32 {
        zip64.push(value);
        u32::MAX
    } else {
        value as u32
    }
}

/// The zip64 extended information extra field (header 0x0001).
fn extra_zip64(out: &mut Vec<u8>, values: &[u64]) {
    put16(out, 0x0001);
    put16(out, (values.len() * 8) as u16);
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Seconds since the epoch to an MS-DOS time (UTC, 2-second resolution).
fn zip_time(secs: u64) -> DateTime {
    // The last second zip holds (2107-12-31T23:59:59Z): clamping the year alone kept the month
    // and day, and a 29 February past 2107 fell back to 1980.
    let secs = secs.min(4_354_819_199);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let year = y.max(1980) as u16;
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
    /// Whether members are deflated.
    type Settings = bool;
    type Part = ZipEntry;
    type Done = ();

    fn settings(&self) -> bool {
        self.compress
    }

    fn prepare(compress: bool, data: &[u8]) -> Result<ZipEntry, Error> {
        ZipEntry::new(data, compress)
    }

    fn add(&mut self, path: &str, _data: &[u8], entry: ZipEntry, executable: bool) -> Result<(), Error> {
        self.add_entry(path, &entry, executable)
    }

    fn add_reader(&mut self, path: &str, executable: bool, from: Streamed<'_>) -> Result<(), Error> {
        let Streamed { file, size, observe } = from;
        self.add_stream(path, file, size, executable, observe)
    }

    fn add_directory(&mut self, _path: &str) -> Result<(), Error> {
        // Wheels carry no directory entries: installers create folders from file paths.
        Ok(())
    }

    fn finish(mut self) -> Result<(), Error> {
        let cd_offset = self.offset;
        let cd_size = self.central.len() as u64;
        self.out.write_all(&self.central)?;
        let mut e = Vec::new();
        let zip64 = self.entries >= u16::MAX as u64 || cd_size >= OVERFLOW32 || cd_offset >= OVERFLOW32;
        if zip64 {
            let record = cd_offset + cd_size;
            // Zip64 end of central directory record, then its locator.
            put32(&mut e, 0x0606_4b50);
            e.extend_from_slice(&44u64.to_le_bytes()); // size of the rest of the record
            put16(&mut e, MADE_BY_UNIX | VERSION_ZIP64);
            put16(&mut e, VERSION_ZIP64);
            put32(&mut e, 0); // this disk
            put32(&mut e, 0); // disk with the central directory
            e.extend_from_slice(&self.entries.to_le_bytes());
            e.extend_from_slice(&self.entries.to_le_bytes());
            e.extend_from_slice(&cd_size.to_le_bytes());
            e.extend_from_slice(&cd_offset.to_le_bytes());
            put32(&mut e, 0x0706_4b50);
            put32(&mut e, 0); // disk with the zip64 record
            e.extend_from_slice(&record.to_le_bytes());
            put32(&mut e, 1); // total disks
        }
        let entries16 = self.entries.min(u16::MAX as u64) as u16;
        put32(&mut e, 0x0605_4b50);
        put16(&mut e, 0);
        put16(&mut e, 0);
        put16(&mut e, entries16);
        put16(&mut e, entries16);
        put32(&mut e, cd_size.min(OVERFLOW32) as u32);
        put32(&mut e, cd_offset.min(OVERFLOW32) as u32);
        put16(&mut e, 0); // comment length
        self.out.write_all(&e)?;
        self.out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    use rayon::prelude::*;

    fn members() -> Vec<(String, Vec<u8>, bool)> {
        let mut v: Vec<(String, Vec<u8>, bool)> = (0..300)
            .map(|i| {
                let text = format!("def f{i}():\n    return {i}\n").repeat(i % 40 + 1);
                (format!("pkg/m{i:03}.py"), text.into_bytes(), i % 7 == 0)
            })
            .collect();
        v.push(("pkg/__init__.py".into(), Vec::new(), false));
        v.push((
            "pkg/noise.bin".into(),
            // xorshift: bytes deflate cannot shrink.
            (0..5000)
                .scan(0x2545_f491_u32, |x, _| {
                    *x ^= *x << 13;
                    *x ^= *x >> 17;
                    *x ^= *x << 5;
                    Some(*x as u8)
                })
                .collect(),
            false,
        ));
        v.push(("pkg/é.txt".into(), b"utf-8 name".to_vec(), false));
        v
    }

    /// A writer of a new zip at `path`, its entries dated `mtime`.
    fn writer(path: &std::path::Path, mtime: u64, compress: bool) -> Box<ZipWriter> {
        Box::new(ZipWriter::new(File::create(path).unwrap(), Reproducible { mtime }, compress))
    }

    fn write(path: &std::path::Path, parallel: bool, members: &[(String, Vec<u8>, bool)]) -> Vec<u8> {
        let mut w = writer(path, 1_700_000_000, true);
        if parallel {
            let entries: Vec<ZipEntry> =
                members.par_iter().map(|(_, d, _)| ZipEntry::new(d, true).unwrap()).collect();
            for ((p, _, x), e) in members.iter().zip(&entries) {
                w.add_entry(p, e, *x).unwrap();
            }
        } else {
            for (p, d, x) in members {
                w.add_file(p, d, *x).unwrap();
            }
        }
        w.finish().unwrap();
        std::fs::read(path).unwrap()
    }

    #[test]
    fn parallel_and_sequential_write_the_same_readable_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let members = members();
        let seq = write(&dir.path().join("s.zip"), false, &members);
        let par = write(&dir.path().join("p.zip"), true, &members);
        assert_eq!(seq, par);
        // No data descriptors: bit 3 of every local header's flags is clear.
        assert_eq!(u16::from_le_bytes([seq[6], seq[7]]) & 8, 0);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(seq)).unwrap();
        assert_eq!(archive.len(), members.len());
        for (i, (path, data, exec)) in members.iter().enumerate() {
            let mut f = archive.by_index(i).unwrap();
            assert_eq!(f.name(), path);
            let mut back = Vec::new();
            f.read_to_end(&mut back).unwrap(); // checks the CRC too
            assert_eq!(&back, data, "{path}");
            assert_eq!(f.unix_mode().unwrap() & 0o777, if *exec { 0o755 } else { 0o644 });
            let t = f.last_modified().unwrap();
            assert_eq!((t.year(), t.month(), t.day()), (2023, 11, 14));
            // Deflated unless that would not make it smaller (empty, random, a few bytes).
            let stored = f.compression() == zip::CompressionMethod::Stored;
            if data.is_empty() || path.ends_with(".bin") {
                assert!(stored, "{path}");
            } else if data.len() > 200 {
                assert!(!stored, "{path}");
            }
        }
    }

    #[test]
    fn more_than_65535_entries_use_a_zip64_end_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("many.zip");
        let mut w = writer(&path, DEFAULT_EPOCH, false);
        for i in 0..70_000 {
            w.add_file(&format!("f{i}"), b"", false).unwrap();
        }
        w.finish().unwrap();
        let archive = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
        assert_eq!(archive.len(), 70_000);
    }

    #[test]
    fn a_member_over_4_gib_has_zip64_sizes_in_both_headers() {
        // A fake 5 GiB member (one stored byte): the header logic without writing 5 GiB.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.zip");
        let mut w = writer(&path, DEFAULT_EPOCH, true);
        let big = ZipEntry { data: b"x".to_vec(), method: STORED, crc32: 7, size: 5 << 30 };
        w.add_entry("big", &big, false).unwrap();
        w.finish().unwrap();
        let b = std::fs::read(&path).unwrap();
        let u16_at = |o: usize| u16::from_le_bytes([b[o], b[o + 1]]);
        let u32_at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
        let u64_at = |o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
        // Local header: version 4.5, both sizes in the zip64 extra (uncompressed first).
        assert_eq!(
            (u16_at(4), u32_at(18), u32_at(22), u16_at(26), u16_at(28)),
            (45, u32::MAX, u32::MAX, 3, 20)
        );
        assert_eq!((u16_at(33), u16_at(35), u64_at(37), u64_at(45)), (1, 16, 5 << 30, 1));
        // Central record: only the overflowing uncompressed size moves to its extra.
        let c = 30 + 3 + 20 + 1;
        assert_eq!(u32_at(c), 0x0201_4b50);
        assert_eq!((u16_at(c + 6), u32_at(c + 16), u32_at(c + 20), u32_at(c + 24)), (45, 7, 1, u32::MAX));
        assert_eq!(
            (u16_at(c + 30), u16_at(c + 46 + 3), u16_at(c + 46 + 5), u64_at(c + 46 + 7)),
            (12, 1, 8, 5 << 30)
        );
        assert_eq!(u32_at(c + 42), 0, "local header offset");
    }

    #[test]
    fn a_member_over_4_gib_deflates_whole() {
        // Zeros (untouched pages cost no memory) just past what a 32-bit length holds.
        let data = vec![0u8; u32::MAX as usize + 4097];
        let entry = ZipEntry::new(&data, true).unwrap();
        assert_eq!(entry.method, DEFLATED);
        let mut d = flate2::Decompress::new(false);
        let mut buf = vec![0u8; 1 << 20];
        let mut input = &entry.data[..];
        loop {
            let before = d.total_in();
            let status = d.decompress(input, &mut buf, flate2::FlushDecompress::None).unwrap();
            input = &input[(d.total_in() - before) as usize..];
            if status == flate2::Status::StreamEnd {
                break;
            }
        }
        assert_eq!(d.total_out(), data.len() as u64);
    }

    #[test]
    fn deflate_bytes_are_pinned() {
        // The deflate backend decides the wheel's bytes: a change of backend or of its
        // algorithm must show up here, not as a wheel that differs between machines.
        let text: Vec<u8> =
            (0..2000).flat_map(|i| format!("line {} of {}\n", i % 97, i % 13).into_bytes()).collect();
        let entry = ZipEntry::new(&text, true).unwrap();
        assert_eq!(entry.method, DEFLATED);
        assert_eq!((entry.data.len(), crc32fast::hash(&entry.data)), (3202, 1_329_597_038));
    }

    #[test]
    fn a_member_deflates_the_same_whatever_its_thread_deflated_before() {
        // Each thread reuses one compressor: the bytes of a member must not depend on which
        // members that thread happened to compress first.
        let text = |n: usize, seed: usize| -> Vec<u8> {
            (0..n).map(|i| b"abcdefghij klmnop\n"[(i * 7 + i / 13 + seed) % 18]).collect()
        };
        let sizes = [1, 100, 5_000, 40_000, 70_000, 300_000, 2_500_000];
        for (k, &n) in sizes.iter().enumerate() {
            let data = text(n, k);
            // A thread of its own starts from a compressor that never ran.
            let fresh =
                std::thread::scope(|s| s.spawn(|| ZipEntry::new(&data, true).unwrap().data).join().unwrap());
            for &before in sizes.iter().rev() {
                ZipEntry::new(&text(before, before), true).unwrap();
                assert_eq!(ZipEntry::new(&data, true).unwrap().data, fresh, "{n} bytes after {before}");
            }
        }
    }

    /// A zip of `members` written whole (`streamed = false`) or read in chunks from files.
    fn zip_of(members: &[(String, Vec<u8>, bool)], compress: bool, streamed: bool) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.zip");
        let mut w = writer(&path, 0, compress);
        for (i, (name, data, exec)) in members.iter().enumerate() {
            if streamed {
                let src = dir.path().join(format!("src{i}"));
                std::fs::write(&src, data).unwrap();
                let mut seen = 0;
                let file = &mut File::open(&src).unwrap();
                let size = data.len() as u64;
                w.add_reader(name, *exec, Streamed { file, size, observe: &mut |c| seen += c.len() })
                    .unwrap();
                assert_eq!(seen, data.len());
            } else {
                w.add_file(name, data, *exec).unwrap();
            }
        }
        w.finish().unwrap();
        std::fs::read(&path).unwrap()
    }

    #[test]
    fn streamed_members_are_the_bytes_of_whole_ones() {
        // Text over several read chunks, random bytes (stored after deflating), empty, tiny.
        let mut members = members();
        let text: Vec<u8> = (0..300_000).flat_map(|i| format!("row {i}\n").into_bytes()).collect();
        members.push(("pkg/big.txt".into(), text, false));
        members.push((
            "pkg/big.bin".into(),
            (0..3 * STREAM_CHUNK as u32).map(|x| (x.wrapping_mul(2_654_435_761) >> 13) as u8).collect(),
            true,
        ));
        for compress in [true, false] {
            assert_eq!(
                zip_of(&members, compress, true),
                zip_of(&members, compress, false),
                "compress {compress}"
            );
        }
    }

    #[test]
    fn a_file_that_changes_size_while_streamed_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut w =
            ZipWriter::new(File::create(dir.path().join("o.zip")).unwrap(), Reproducible { mtime: 0 }, true);
        let mut short: &[u8] = b"abc";
        let mut reader = std::io::Cursor::new(&mut short);
        let from = Streamed { file: &mut reader, size: 10, observe: &mut |_| {} };
        let err = w.add_reader("pkg/f.txt", false, from).unwrap_err();
        assert!(
            err.to_string()
                .contains("`pkg/f.txt` changed while it was being archived (10 bytes when listed, 3 read)"),
            "{err}"
        );
    }

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

    #[test]
    fn times_after_2107_clamp_to_the_last_one_zip_holds() {
        // 2108-01-01 and 2108-02-29 (no such day in 2107): both past the MS-DOS range.
        for secs in [4_354_819_200, 4_359_916_800, u64::MAX] {
            let t = zip_time(secs);
            assert_eq!(
                (t.year(), t.month(), t.day(), t.hour(), t.minute(), t.second()),
                (2107, 12, 31, 23, 59, 58),
                "{secs}"
            );
        }
    }
}
