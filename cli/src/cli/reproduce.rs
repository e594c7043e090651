//! `gini reproduce`: the library's reproduction of BPS's national Gini ratios, rendered as
//! tables or tidy rows, with charts.

use super::args::{Format, ReproduceArgs, Se};
use super::survey::{design_method, Progress};
use super::{emit, Failure};
use clap::ValueEnum;
use ginikit::reproduce::{bundled_rounds, charts, reproduce, tables, ReproduceSpec};
use ginikit::survey::replicate::ReplicateMethod;
use ginikit::table::survey::SeMethod;
use std::path::Path;

pub fn run(args: &ReproduceArgs) -> Result<(), Failure> {
    let synthetic = args.data.is_empty();
    let mut files = if synthetic {
        bundled_rounds()
    } else {
        args.data.clone()
    };
    let mut synthetic_rounds = Vec::new();
    if let Some(setting) = &args.rounds {
        if !synthetic {
            return Err(Failure::Usage(
                "--rounds generates synthetic rounds; with --data the rounds are the files given"
                    .into(),
            ));
        }
        let published: Vec<String> = ginikit::synth::rounds()?
            .into_iter()
            .filter(|r| ginikit::bps::lookup(&ginikit::bps::national_gini(), r, "total").is_some())
            .collect();
        synthetic_rounds = ginikit::reproduce::series::select_rounds(setting, &published)?;
        files.retain(|f| {
            ginikit::table::trend::file_label(f)
                .parse::<String>()
                .is_ok_and(|l| synthetic_rounds.contains(&l))
        });
    }
    let method = match (
        args.se,
        design_method(args.se, args.replicates, args.seed, 0.5),
    ) {
        (Se::Linearization | Se::Bootstrap | Se::Jackknife, Some(method)) => method,
        (other, _) => {
            let name = other
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_string());
            return Err(Failure::Usage(format!(
                "--se {name}: reproduce offers linearization, bootstrap or jackknife"
            )));
        }
    };
    let spec = ReproduceSpec {
        value: args.value.clone(),
        per_capita: args.per_capita,
        weight: args.weight.clone(),
        size: args.size.clone(),
        area: args.area.clone(),
        province: args.province.clone(),
        strata: args.strata.clone(),
        psu: args.psu.clone(),
        round: args.round.clone(),
        nested: args.nest,
        lonely: args.lonely_psu.into(),
        method,
        level: super::survey::level(args.level)?,
        from: args.from.clone(),
        to: args.to.clone(),
        format: args.input_format.map(Into::into),
        decomposition_replicates: args.decomposition_replicates,
        seed: args.seed,
        synthetic_rounds,
        transfers: args.transfers.clone(),
    };
    let progress = Progress::new(
        match method {
            SeMethod::Replicates(ReplicateMethod::Bootstrap { replicates, .. }) => replicates,
            _ => 0,
        },
        args.quiet,
    );
    let r = reproduce(&files, &spec, &|| progress.tick())?;
    drop(progress);
    let written = if args.no_plots {
        Vec::new()
    } else {
        charts::charts(&r, &args.out, synthetic)?
    };
    match args.format {
        Format::Table => {
            let text = tables::text(&r, synthetic, &written).map_err(io_failure)?;
            write_bytes(&text, args.output.as_deref())
        }
        format => emit(
            &tables::tidy_report(&r),
            format.into(),
            args.output.as_deref(),
        ),
    }
}

fn io_failure(e: std::io::Error) -> Failure {
    Failure::Data(ginikit::Error::Output {
        target: "report".into(),
        message: e.to_string(),
    })
}

fn write_bytes(bytes: &[u8], output: Option<&Path>) -> Result<(), Failure> {
    use std::io::Write;
    match output {
        Some(p) => std::fs::write(p, bytes).map_err(|e| {
            Failure::Data(ginikit::Error::Output {
                target: p.display().to_string(),
                message: e.to_string(),
            })
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::ClosedPipe),
                Err(e) => Err(io_failure(e)),
            }
        }
    }
}
