//! `cartwheel build`: the sdist and the wheel in one walk of the tree. Each file is read once;
//! the parallel task that reads a file for the sdist also hashes and compresses it for the
//! wheel while its bytes are in cache. Both archives come out byte-identical to the ones the
//! separate hooks write.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::build::{stream, Build, Content, Loaded, Staged};
use crate::sdist::SdistWriter;
use crate::wheel::{WheelPart, WheelWriter};
use cartwheel_archive::{AtomicOutput, ZipEntry, ZipWriter};
use cartwheel_core::error::Result;

impl Build {
    /// Write the sdist and the wheel to temporary files in `out_dir`, in that order.
    pub fn stage_both(&self, out_dir: &Path) -> Result<(Staged, Staged)> {
        let (sdist_name, sdist_members) = self.sdist_members(out_dir)?;
        let (wheel_name, wheel_members) = self.wheel_members(None)?;

        // The wheel members each sdist member feeds: the same file on disk, so the same bytes
        // (stamped and rewritten files are made in memory and never shared).
        let by_source: HashMap<&Path, usize> = sdist_members
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match &b.content {
                Content::File(p) => Some((p.as_path(), i)),
                _ => None,
            })
            .collect();
        let mut feeds: Vec<Vec<usize>> = vec![Vec::new(); sdist_members.len()];
        let mut fed = vec![false; wheel_members.len()];
        for (j, w) in wheel_members.iter().enumerate() {
            if let Content::File(p) = &w.content {
                if let Some(&i) = by_source.get(p.as_path()) {
                    feeds[i].push(j);
                    fed[j] = true;
                }
            }
        }

        let mut sdist = SdistWriter::create(self, out_dir, &sdist_name.to_string(), &sdist_members)?;
        let wheel_out = AtomicOutput::create(out_dir, &wheel_name.to_string())?;
        let mut wheel = WheelWriter::new(ZipWriter::new(wheel_out.file()?, self.repro, true), &wheel_name);
        let compress = wheel.settings();
        // Wheel parts made ahead of their turn. The wheel's order follows the tree's for the
        // usual layouts (its paths are the sdist's minus a common prefix), so this stays small.
        let mut ready: BTreeMap<usize, Pending<'_>> = BTreeMap::new();
        let mut next = 0;
        // Write the wheel members whose turn has come, as far as their parts are known; members
        // the sdist does not feed (metadata, stamped files) are made here.
        let mut advance =
            |ready: &mut BTreeMap<usize, Pending<'_>>, wheel: &mut WheelWriter<ZipWriter>| -> Result<()> {
                while next < wheel_members.len() {
                    let member = &wheel_members[next];
                    match ready.remove(&next) {
                        // A zip part holds its own compressed bytes: the writer needs no others.
                        Some(Pending::Part(part)) => wheel.add(member, &[], part)?,
                        Some(Pending::Large(path, size)) => wheel.add_large(member, path, size)?,
                        None if !fed[next] => wheel.add_member(member)?,
                        None => break,
                    }
                    next += 1;
                }
                Ok(())
            };
        stream(
            &sdist_members,
            |i, _, data| {
                feeds[i].iter().map(|&j| Ok((j, WheelPart::new::<ZipWriter>(compress, data)?))).collect()
            },
            |i, b, item: Loaded<'_, Vec<(usize, WheelPart<ZipEntry>)>>| {
                match item {
                    Loaded::Bytes(data, parts) => {
                        sdist.add_loaded(b, Loaded::Bytes(data, ()))?;
                        ready.extend(parts.into_iter().map(|(j, part)| (j, Pending::Part(part))));
                    }
                    Loaded::Large(path, size) => {
                        // Read again for the wheel when its turn comes: never held in memory.
                        sdist.add_loaded(b, Loaded::Large(path, size))?;
                        ready.extend(feeds[i].iter().map(|&j| (j, Pending::Large(path, size))));
                    }
                }
                advance(&mut ready, &mut wheel)
            },
        )?;
        advance(&mut ready, &mut wheel)?;
        let ((), files) = wheel.finish()?;
        Ok((sdist.finish()?, Staged::new(wheel_out, files)))
    }
}

/// A wheel member whose sdist counterpart was read ahead of its turn in the wheel.
enum Pending<'a> {
    /// Hashed and compressed from the bytes the sdist read.
    Part(WheelPart<ZipEntry>),
    /// A large file, read in chunks when its turn comes.
    Large(&'a Path, u64),
}
