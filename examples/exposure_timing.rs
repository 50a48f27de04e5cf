//! Times the phases of `vpclint exposure` on an estate: load, compile, exposures, render.
//! `cargo run --release --example exposure_timing -- DIR`
use std::time::Instant;

fn main() {
    let paths: Vec<std::path::PathBuf> = std::env::args().skip(1).map(Into::into).collect();
    let t = Instant::now();
    let estate = match vpclint::load::load_paths(&paths) {
        Ok(e) => e,
        Err(err) => {
            eprintln!("{err}");
            return;
        }
    };
    let load = t.elapsed();
    let t = Instant::now();
    let reach = vpclint::reach::Reach::new(&estate);
    let compile = t.elapsed();
    let t = Instant::now();
    let x = reach.exposures();
    let exposures = t.elapsed();
    let t = Instant::now();
    let text = vpclint::report::exposure::json(&x);
    let render = t.elapsed();
    println!(
        "interfaces {} rows {} bytes {} | load {load:?} compile {compile:?} exposures {exposures:?} render {render:?}",
        estate.interfaces.len(),
        x.len(),
        text.len()
    );
}
