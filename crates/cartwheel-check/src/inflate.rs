//! Reading back a tar.gz that cartwheel's own writer made, inflated on every core.
//!
//! The writer starts the deflate stream afresh (no dictionary) at fixed points and says where
//! ([`Restart`]). Each piece between two restarts is inflated on its own, in parallel. Nothing
//! is taken on trust: a piece that refers to bytes before its start fails to inflate, each
//! piece must use exactly its compressed bytes and give exactly its uncompressed length, and
//! the CRC-32 and length in the gzip trailer must match what came out. Whenever any of that
//! does not hold the caller reads the file in one serial pass instead, so a wrong hint can cost
//! time but never change a verdict.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read};

use cartwheel_archive::inflate::Inflater;
use rayon::prelude::*;

use super::read::Inflated;
use cartwheel_archive::gzip::{Restart, BLOCK, HEADER_LEN};

/// The longest piece the writer makes, with room to spare; a longer one is not ours.
const PIECE_MAX: u64 = 2 * BLOCK as u64;

/// One piece of the deflate stream.
#[derive(Debug, Clone, Copy)]
struct Piece {
    /// Compressed bytes `[start, end)` of the file.
    start: u64,
    end: u64,
    /// Uncompressed length, when known (all but the last piece).
    len: Option<u64>,
}

/// The decompressed stream of an indexed tar.gz, or `None` when the hint cannot apply (no
/// restarts, not our header, offsets out of order or too long, more than `limit` bytes).
pub fn read_indexed<'f>(file: &'f File, restarts: &[Restart], limit: u64) -> Option<Segmented<'f>> {
    if restarts.is_empty() {
        return None;
    }
    let size = file.metadata().ok()?.len();
    let mut header = [0u8; HEADER_LEN as usize];
    read_exact_at(file, &mut header, 0).ok()?;
    // Our header: magic, deflate, no flags (so no optional fields before the stream).
    if header[..4] != [0x1f, 0x8b, 8, 0] || size < HEADER_LEN + 8 {
        return None;
    }
    let mut pieces = Vec::with_capacity(restarts.len() + 1);
    let mut from = Restart { compressed: HEADER_LEN, uncompressed: 0 };
    for &r in restarts {
        let len = r.uncompressed.checked_sub(from.uncompressed)?;
        if r.compressed <= from.compressed || len > PIECE_MAX || r.compressed > size - 8 {
            return None;
        }
        pieces.push(Piece { start: from.compressed, end: r.compressed, len: Some(len) });
        from = r;
    }
    if from.uncompressed > limit {
        return None;
    }
    pieces.push(Piece { start: from.compressed, end: size - 8, len: None });
    Some(Segmented {
        file,
        size,
        pieces: pieces.into(),
        ready: VecDeque::new(),
        pos: 0,
        crc: crc32fast::Hasher::new(),
        total: 0,
        abandoned: false,
    })
}

/// The stream, inflated a wave of pieces at a time (one per core), handed out in order.
pub struct Segmented<'f> {
    file: &'f File,
    size: u64,
    pieces: VecDeque<Piece>,
    ready: VecDeque<Vec<u8>>,
    /// Read position in `ready[0]`.
    pos: usize,
    crc: crc32fast::Hasher,
    total: u64,
    abandoned: bool,
}

impl Segmented<'_> {
    /// Inflate the next wave; false when every piece is done.
    fn refill(&mut self) -> io::Result<bool> {
        if self.pieces.is_empty() {
            return Ok(false);
        }
        let wave = rayon::current_num_threads().max(2).min(self.pieces.len());
        let batch: Vec<Piece> = self.pieces.drain(..wave).collect();
        let out: Vec<io::Result<(Vec<u8>, crc32fast::Hasher)>> =
            batch.par_iter().map(|p| inflate_piece(self.file, *p)).collect();
        for r in out {
            match r {
                Ok((data, crc)) => {
                    self.crc.combine(&crc);
                    self.total += data.len() as u64;
                    self.ready.push_back(data);
                }
                Err(e) => {
                    self.abandoned = true;
                    return Err(e);
                }
            }
        }
        Ok(true)
    }
}

impl Read for Segmented<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(front) = self.ready.front() {
                if self.pos < front.len() {
                    let n = buf.len().min(front.len() - self.pos);
                    buf[..n].copy_from_slice(&front[self.pos..self.pos + n]);
                    self.pos += n;
                    return Ok(n);
                }
                self.ready.pop_front();
                self.pos = 0;
                continue;
            }
            if !self.refill()? {
                return Ok(0);
            }
        }
    }
}

impl Inflated for Segmented<'_> {
    fn abandoned(&self) -> bool {
        self.abandoned
    }

    fn finish(&mut self) -> io::Result<()> {
        // The tar ends before the stream does (padding): inflate the rest so the trailer's
        // checksum covers every byte, as a serial read to the end would.
        self.ready.clear();
        while self.refill()? {
            self.ready.clear();
        }
        let mut trailer = [0u8; 8];
        read_exact_at(self.file, &mut trailer, self.size - 8)?;
        let crc = u32::from_le_bytes(trailer[..4].try_into().expect("4 bytes"));
        let isize = u32::from_le_bytes(trailer[4..].try_into().expect("4 bytes"));
        if crc != self.crc.clone().finalize() || isize != self.total as u32 {
            self.abandoned = true;
            return Err(io::Error::other("gzip trailer does not match the data"));
        }
        Ok(())
    }
}

/// Inflate one piece with no dictionary: all of its bytes, exactly its length, and the stream
/// ends in it only when it is the last.
fn inflate_piece(file: &File, p: Piece) -> io::Result<(Vec<u8>, crc32fast::Hasher)> {
    let bad = |what: &str| io::Error::other(format!("piece at {}: {what}", p.start));
    let n = (p.end - p.start) as usize;
    // A piece more of the stream follows has no final block (it ends in a sync flush); an
    // empty final block after it (fixed Huffman, end-of-block only) makes it a stream of its
    // own, which must then use exactly its bytes and those two.
    let closing: &[u8] = if p.len.is_some() { &[0x03, 0x00] } else { &[] };
    let mut input = vec![0u8; n + closing.len()];
    read_exact_at(file, &mut input[..n], p.start)?;
    input[n..].copy_from_slice(closing);
    let mut out = vec![0u8; p.len.unwrap_or(PIECE_MAX) as usize];
    let (used, wrote) = Inflater::new().inflate(&input, &mut out).map_err(|e| bad(&format!("{e:?}")))?;
    if used != input.len() {
        return Err(bad("does not end where the index says"));
    }
    if p.len.is_some_and(|n| n != wrote as u64) {
        return Err(bad("inflates to another length than the index says"));
    }
    out.truncate(wrote);
    let mut crc = crc32fast::Hasher::new();
    crc.update(&out);
    Ok((out, crc))
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{read, Format, Limits};
    use cartwheel_archive::{ArchiveWriter, Reproducible, TarGzWriter};
    use flate2::{Decompress, FlushDecompress, Status};

    /// Text-like members, 5 MiB in all: several restart points.
    fn members() -> Vec<(String, Vec<u8>)> {
        let mut x: u32 = 7;
        (0..300)
            .map(|i| {
                let mut v = Vec::new();
                while v.len() < 17_000 + i * 11 {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    v.extend_from_slice(format!("word{} ", (x >> 16) % 3000).as_bytes());
                }
                (format!("p-1/m{i:03}.txt"), v)
            })
            .collect()
    }

    fn write(dir: &std::path::Path) -> (std::path::PathBuf, Vec<Restart>) {
        let path = dir.join("p-1.tar.gz");
        let mut w =
            TarGzWriter::new(File::create(&path).unwrap(), Reproducible { mtime: 1_700_000_000 }).unwrap();
        for (name, data) in members() {
            w.add_file(&name, &data, false).unwrap();
        }
        let restarts = w.finish().unwrap();
        (path, restarts)
    }

    fn names_and_sizes(path: &std::path::Path, restarts: &[Restart]) -> Result<Vec<(String, u64)>, String> {
        read(path, Format::TarGz, &Limits::default(), restarts)
            .map(|a| a.members.iter().map(|m| (m.name.clone(), m.size)).collect())
            .map_err(|p| p.message)
    }

    fn inflate_all(path: &std::path::Path, restarts: &[Restart]) -> (io::Result<Vec<u8>>, bool) {
        let file = File::open(path).unwrap();
        let mut s = read_indexed(&file, restarts, u64::MAX).expect("the hint applies");
        let mut out = Vec::new();
        let r = s.read_to_end(&mut out).and_then(|_| s.finish()).map(|()| out);
        (r, s.abandoned)
    }

    #[test]
    fn pieces_inflate_in_parallel_to_the_serial_stream() {
        let dir = tempfile::tempdir().unwrap();
        let (path, restarts) = write(dir.path());
        assert!(restarts.len() >= 2, "{restarts:?}");
        let mut serial = Vec::new();
        flate2::read::GzDecoder::new(File::open(&path).unwrap()).read_to_end(&mut serial).unwrap();
        let (parallel, abandoned) = inflate_all(&path, &restarts);
        assert!(!abandoned);
        assert_eq!(parallel.unwrap(), serial);
        // The archive read through the index is the one read serially.
        assert_eq!(names_and_sizes(&path, &restarts), names_and_sizes(&path, &[]));
        assert_eq!(names_and_sizes(&path, &restarts).unwrap().len(), 300);
    }

    #[test]
    fn a_wrong_hint_is_caught_and_the_serial_read_decides() {
        let dir = tempfile::tempdir().unwrap();
        let (path, restarts) = write(dir.path());
        let serial = names_and_sizes(&path, &[]);
        let shift = |i: usize, dc: i64, du: i64| {
            let mut r = restarts.clone();
            r[i].compressed = r[i].compressed.saturating_add_signed(dc);
            r[i].uncompressed = r[i].uncompressed.saturating_add_signed(du);
            r
        };
        for wrong in [shift(0, 1, 0), shift(0, -1, 0), shift(1, 0, 1), shift(1, 0, -512)] {
            let (r, abandoned) = inflate_all(&path, &wrong);
            assert!(r.is_err() && abandoned, "{wrong:?}");
            assert_eq!(names_and_sizes(&path, &wrong), serial);
        }
        // A stream written in one piece (every block refers back): the restarts are a lie.
        let mut data = Vec::new();
        flate2::read::GzDecoder::new(File::open(&path).unwrap()).read_to_end(&mut data).unwrap();
        let one = dir.path().join("one.tar.gz");
        let mut e = flate2::write::GzEncoder::new(File::create(&one).unwrap(), flate2::Compression::new(6));
        io::Write::write_all(&mut e, &data).unwrap();
        e.finish().unwrap();
        let (r, abandoned) = inflate_all(&one, &restarts);
        assert!(r.is_err() && abandoned);
        assert_eq!(names_and_sizes(&one, &restarts), serial);
    }

    #[test]
    fn a_piece_that_refers_back_past_its_start_does_not_inflate() {
        // Two halves of one deflate stream, cut at a sync flush where the lengths are right:
        // the second half repeats the first, so it refers back into it and cannot stand alone.
        let half: Vec<u8> = members().into_iter().next().unwrap().1;
        let mut c = flate2::Compress::new(flate2::Compression::new(6), false);
        let mut deflated = Vec::with_capacity(4 * half.len() + 1024);
        c.compress_vec(&half, &mut deflated, flate2::FlushCompress::Sync).unwrap();
        let cut = deflated.len() as u64;
        c.compress_vec(&half, &mut deflated, flate2::FlushCompress::Finish).unwrap();
        let mut both = half.clone();
        both.extend_from_slice(&half);
        let mut file = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
        file.extend_from_slice(&deflated);
        file.extend_from_slice(&crc32fast::hash(&both).to_le_bytes());
        file.extend_from_slice(&(both.len() as u32).to_le_bytes());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.tar.gz");
        std::fs::write(&path, &file).unwrap();
        let hint = [Restart { compressed: HEADER_LEN + cut, uncompressed: half.len() as u64 }];
        let (r, abandoned) = inflate_all(&path, &hint);
        assert!(r.is_err() && abandoned);
        // Given the first half as its dictionary the same piece inflates: what failed above
        // was the missing dictionary, nothing else.
        let mut d = Decompress::new(false);
        let mut out = Vec::with_capacity(half.len());
        let second = &deflated[cut as usize..];
        assert!(d.decompress_vec(second, &mut out, FlushDecompress::None).is_err());
        let mut d = Decompress::new(false);
        d.set_dictionary(&half).unwrap();
        assert_eq!(d.decompress_vec(second, &mut out, FlushDecompress::None).unwrap(), Status::StreamEnd);
        assert_eq!(out, half);
    }

    #[test]
    fn a_piece_still_marked_final_ends_the_stream_and_is_caught() {
        // The writer's join clears each piece's final-block bit; had it not, a serial reader
        // (tarfile, pip) would stop after the first piece. Lengths, restarts and the trailer
        // all agree with the data here: only where the stream ends tells.
        let data: Vec<u8> = members().into_iter().take(2).flat_map(|(_, d)| d).collect();
        let (a, b) = data.split_at(data.len() / 2);
        let first = cartwheel_archive::deflate::whole(a).unwrap();
        let mut file = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
        file.extend_from_slice(&first);
        file.extend_from_slice(&cartwheel_archive::deflate::whole(b).unwrap());
        file.extend_from_slice(&crc32fast::hash(&data).to_le_bytes());
        file.extend_from_slice(&(data.len() as u32).to_le_bytes());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.tar.gz");
        std::fs::write(&path, &file).unwrap();
        let hint = [Restart { compressed: HEADER_LEN + first.len() as u64, uncompressed: a.len() as u64 }];
        let (r, abandoned) = inflate_all(&path, &hint);
        assert_eq!(
            r.unwrap_err().to_string(),
            format!("piece at {HEADER_LEN}: does not end where the index says")
        );
        assert!(abandoned);
        let mut serial = Vec::new();
        assert!(flate2::read::GzDecoder::new(File::open(&path).unwrap()).read_to_end(&mut serial).is_err());
    }

    #[test]
    fn a_corrupt_byte_fails_as_it_does_serially() {
        let dir = tempfile::tempdir().unwrap();
        let (path, restarts) = write(dir.path());
        let mut bytes = std::fs::read(&path).unwrap();
        // Inside the second piece, and in the trailer's checksum.
        for at in [restarts[0].compressed as usize + 100, bytes.len() - 6] {
            let saved = bytes[at];
            bytes[at] ^= 0x55;
            std::fs::write(&path, &bytes).unwrap();
            let (r, abandoned) = inflate_all(&path, &restarts);
            assert!(r.is_err() && abandoned, "byte {at}");
            assert_eq!(names_and_sizes(&path, &restarts), names_and_sizes(&path, &[]), "byte {at}");
            bytes[at] = saved;
        }
    }
}
