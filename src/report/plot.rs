//! Charts as SVG and PNG (plotters). Text in PNG files is drawn with the bundled DejaVu Sans
//! font, so the pictures do not depend on the fonts of the machine.

use crate::error::{Error, Result};
use crate::measure::lorenz::LorenzPoint;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";
/// Colours for successive series (colour-blind-safe Okabe–Ito palette).
const PALETTE: [RGBColor; 4] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
];
const GREY: RGBColor = RGBColor(110, 110, 110);

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The bundled font is a valid TrueType file; if registration failed, PNG text
        // would be missing but nothing else would break.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

fn fail(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Output {
        target: path.display().to_string(),
        message: e.to_string(),
    }
}

/// White background, the source note at the bottom (wrapped at word boundaries to the width
/// of the picture, so that none of it is cut off), and the drawing area above it.
fn with_footer<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    source: &str,
) -> std::result::Result<DrawingArea<DB, Shift>, String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let font = (FAMILY, 12).into_font().color(&GREY);
    let (width, height) = root.dim_in_pixel();
    // A margin on the right as well: the estimate of text widths is not exact.
    let room = width.saturating_sub(60);
    let fits = |line: &str| {
        root.estimate_text_size(line, &font)
            .map_or(line.chars().count() as u32 * 7, |(w, _)| w)
            <= room
    };
    let lines = wrap_words(source, fits);
    let footer = 12 + 16 * lines.len() as u32;
    let (main, foot) = root.split_vertically(height.saturating_sub(footer));
    for (i, line) in lines.iter().enumerate() {
        foot.draw_text(line, &font, (14, 6 + 16 * i as i32))
            .map_err(|e| e.to_string())?;
    }
    Ok(main)
}

/// Splits `text` into lines at spaces, each as long as `fits` allows (a single word that does
/// not fit gets a line of its own).
fn wrap_words(text: &str, fits: impl Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let longer = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&longer) || line.is_empty() {
            line = longer;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// An axis tick: whole numbers without decimals ("10", not "10.0"), others with `decimals`;
/// never "-0".
fn tick(v: f64, decimals: usize) -> String {
    let whole = v.round();
    if (v - whole).abs() <= 1e-9 * v.abs().max(1.0) {
        format!("{}", if whole == 0.0 { 0.0 } else { whole })
    } else {
        format!("{v:.decimals$}")
    }
}

/// The legend box, in one style for every chart.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> std::result::Result<(), String> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FAMILY, 14))
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .draw()
        .map_err(|e| e.to_string())
}

/// The legend text of interval bars at confidence `level`.
fn interval_label(level: f64) -> String {
    format!("reproduced, {:.0} % interval", level * 100.0)
}

/// Runs a drawing closure (given as a macro that expands to one, so it is typed once per
/// backend) on an SVG and a PNG canvas: `stem.svg` and `stem.png`. Returns both paths.
macro_rules! render_both {
    ($stem:expr, $size:expr, $draw:ident) => {{
        register_font();
        let svg = $stem.with_extension("svg");
        let png = $stem.with_extension("png");
        {
            let root = SVGBackend::new(&svg, $size).into_drawing_area();
            ($draw!(SVGBackend<'_>))(&root).map_err(|e| fail(&svg, e))?;
            root.present().map_err(|e| fail(&svg, e))?;
        }
        {
            let root = BitMapBackend::new(&png, $size).into_drawing_area();
            ($draw!(BitMapBackend<'_>))(&root).map_err(|e| fail(&png, e))?;
            root.present().map_err(|e| fail(&png, e))?;
        }
        Ok(vec![svg, png])
    }};
}

/// A Lorenz curve to draw.
pub struct LorenzSeries<'a> {
    pub label: String,
    pub points: &'a [LorenzPoint],
}

/// Lorenz curves with the line of equality.
pub fn lorenz_chart(
    stem: &Path,
    title: &str,
    source: &str,
    series: &[LorenzSeries<'_>],
) -> Result<Vec<PathBuf>> {
    macro_rules! draw {
        ($db:ty) => {
            |root: &DrawingArea<$db, Shift>| -> std::result::Result<(), String> {
                let main = with_footer(root, source)?;
                let mut chart = ChartBuilder::on(&main)
                    .caption(title, (FAMILY, 22))
                    .margin(14)
                    .x_label_area_size(44)
                    .y_label_area_size(56)
                    .build_cartesian_2d(0.0..1.0, 0.0..1.0)
                    .map_err(|e| e.to_string())?;
                chart
                    .configure_mesh()
                    .x_desc("cumulative share of persons (poorest first)")
                    .y_desc("cumulative share of expenditure")
                    .x_label_formatter(&|x| tick(*x, 1))
                    .y_label_formatter(&|y| tick(*y, 1))
                    .label_style((FAMILY, 14))
                    .axis_desc_style((FAMILY, 15))
                    .draw()
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(LineSeries::new(
                        [(0.0, 0.0), (1.0, 1.0)],
                        GREY.stroke_width(1),
                    ))
                    .map_err(|e| e.to_string())?
                    .label("line of equality")
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], GREY));
                for (i, s) in series.iter().enumerate() {
                    let colour = PALETTE[i % PALETTE.len()];
                    chart
                        .draw_series(LineSeries::new(
                            s.points.iter().map(|p| (p.p, p.lorenz)),
                            colour.stroke_width(2),
                        ))
                        .map_err(|e| e.to_string())?
                        .label(s.label.clone())
                        .legend(move |(x, y)| {
                            PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2))
                        });
                }
                legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
                Ok(())
            }
        };
    }
    render_both!(stem, (900, 680), draw)
}

/// A point estimate with its interval, placed at `x`.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    pub x: f64,
    pub label: String,
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
}

/// A published series (line and dots) with reproduced estimates and their intervals.
///
/// Longer than most functions: the drawing is one closure, typed once per backend by
/// `render_both!`, that reads top to bottom in the order the chart is drawn.
pub fn series_chart(
    stem: &Path,
    title: &str,
    y_label: &str,
    source: &str,
    published: &[(f64, f64)],
    reproduced: &[Interval],
    level: f64,
) -> Result<Vec<PathBuf>> {
    let bars = interval_label(level);
    let xs = published
        .iter()
        .map(|p| p.0)
        .chain(reproduced.iter().map(|r| r.x));
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let ys = published
        .iter()
        .map(|p| p.1)
        .chain(reproduced.iter().flat_map(|r| [r.lower, r.upper]));
    let (y0, y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    let pad = (y1 - y0).max(1e-3) * 0.15;
    macro_rules! draw {
        ($db:ty) => {
            |root: &DrawingArea<$db, Shift>| -> std::result::Result<(), String> {
                let main = with_footer(root, source)?;
                let mut chart = ChartBuilder::on(&main)
                    .caption(title, (FAMILY, 22))
                    .margin(14)
                    .x_label_area_size(44)
                    .y_label_area_size(64)
                    .build_cartesian_2d((x0 - 0.3)..(x1 + 0.3), (y0 - pad)..(y1 + pad))
                    .map_err(|e| e.to_string())?;
                chart
                    .configure_mesh()
                    .x_desc("survey round")
                    .y_desc(y_label)
                    .x_label_formatter(&|x| format!("{:.0}", x.floor()))
                    .y_label_formatter(&|y| format!("{y:.3}"))
                    .label_style((FAMILY, 14))
                    .axis_desc_style((FAMILY, 15))
                    .draw()
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(LineSeries::new(
                        published.iter().copied(),
                        GREY.stroke_width(1),
                    ))
                    .map_err(|e| e.to_string())?;
                chart
                    .draw_series(
                        published
                            .iter()
                            .map(|&(x, y)| Circle::new((x, y), 3, GREY.filled())),
                    )
                    .map_err(|e| e.to_string())?
                    .label("published (BPS)")
                    .legend(|(x, y)| Circle::new((x + 10, y), 3, GREY.filled()));
                let colour = PALETTE[1];
                chart
                    .draw_series(reproduced.iter().map(|r| {
                        ErrorBar::new_vertical(
                            r.x,
                            r.lower,
                            r.estimate,
                            r.upper,
                            colour.stroke_width(2),
                            8,
                        )
                    }))
                    .map_err(|e| e.to_string())?
                    .label(bars.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new([(x + 10, y - 6), (x + 10, y + 6)], colour.stroke_width(2))
                    });
                chart
                    .draw_series(
                        reproduced
                            .iter()
                            .map(|r| Circle::new((r.x, r.estimate), 4, colour.filled())),
                    )
                    .map_err(|e| e.to_string())?;
                legend(&mut chart, SeriesLabelPosition::UpperRight)?;
                Ok(())
            }
        };
    }
    render_both!(stem, (900, 560), draw)
}

/// Estimates with intervals per category (one row each, top to bottom), against published
/// values: a dot plot. (One drawing closure, as in [`series_chart`].)
pub fn category_chart(
    stem: &Path,
    title: &str,
    x_label: &str,
    source: &str,
    rows: &[(Interval, Option<f64>)],
    level: f64,
) -> Result<Vec<PathBuf>> {
    let n = rows.len();
    let xs = rows
        .iter()
        .flat_map(|(r, p)| [r.lower, r.upper].into_iter().chain(p.iter().copied()));
    let (x0, x1) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    // An empty band of rows below the last one holds the legend, so that it covers no point.
    let published = rows.iter().any(|(_, p)| p.is_some());
    let c = Categories {
        title,
        x_label,
        source,
        rows,
        bars: interval_label(level),
        labels: rows.iter().map(|(r, _)| r.label.clone()).collect(),
        published,
        band: if published { 3 } else { 2 },
        x: (x0, x1),
        pad: (x1 - x0).max(1e-3) * 0.05,
        // Enough decimals for the ticks to differ (0.0014 needs four; 95.2 none).
        decimals: (1 - ((x1 - x0).max(1e-12)).log10().floor() as i32).clamp(0, 6) as usize,
    };
    let height = (120 + 22 * (n + c.band) as u32).max(260);
    macro_rules! draw {
        ($db:ty) => {
            |root: &DrawingArea<$db, Shift>| draw_categories(root, &c)
        };
    }
    render_both!(stem, (900, height), draw)
}

/// What a dot plot of categories draws ([`category_chart`]).
struct Categories<'a> {
    title: &'a str,
    x_label: &'a str,
    source: &'a str,
    rows: &'a [(Interval, Option<f64>)],
    bars: String,
    labels: Vec<String>,
    published: bool,
    /// Empty rows below the last one, for the legend.
    band: usize,
    /// The smallest and largest value drawn.
    x: (f64, f64),
    pad: f64,
    decimals: usize,
}

/// Draws the dot plot `c` on `root`, whichever the backend.
fn draw_categories<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &Categories<'_>,
) -> std::result::Result<(), String> {
    let (n, band, rows) = (c.rows.len(), c.band, c.rows);
    let (x0, x1, pad) = (c.x.0, c.x.1, c.pad);
    let main = with_footer(root, c.source)?;
    let mut chart = ChartBuilder::on(&main)
        .caption(c.title, (FAMILY, 22))
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(190)
        .build_cartesian_2d(
            (x0 - pad)..(x1 + pad),
            -(band as f64) - 0.5..(n as f64 - 0.5),
        )
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc(c.x_label)
        .y_labels(n + band + 1)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                c.labels[n - 1 - i as usize].clone()
            } else {
                String::new()
            }
        })
        .x_label_formatter(&|x| tick(*x, c.decimals))
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .disable_y_mesh()
        .draw()
        .map_err(|e| e.to_string())?;
    if x0 - pad < 0.0 && 0.0 < x1 + pad {
        // Zero, where a change or a term changes sign: emphasised.
        chart
            .draw_series(LineSeries::new(
                [(0.0, -(band as f64) - 0.5), (0.0, n as f64 - 0.5)],
                BLACK.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
    }
    let colour = PALETTE[0];
    let y_of = |i: usize| (n - 1 - i) as f64;
    chart
        .draw_series(rows.iter().enumerate().map(|(i, (r, _))| {
            ErrorBar::new_horizontal(
                y_of(i),
                r.lower,
                r.estimate,
                r.upper,
                colour.stroke_width(2),
                6,
            )
        }))
        .map_err(|e| e.to_string())?
        .label(c.bars.as_str())
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2)));
    chart
        .draw_series(
            rows.iter()
                .enumerate()
                .map(|(i, (r, _))| Circle::new((r.estimate, y_of(i)), 4, colour.filled())),
        )
        .map_err(|e| e.to_string())?;
    let pub_colour = PALETTE[1];
    if c.published {
        chart
            .draw_series(rows.iter().enumerate().filter_map(|(i, (_, p))| {
                p.map(|p| Cross::new((p, y_of(i)), 5, pub_colour.stroke_width(2)))
            }))
            .map_err(|e| e.to_string())?
            .label("published (BPS)")
            .legend(move |(x, y)| Cross::new((x + 10, y), 5, pub_colour.stroke_width(2)));
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    Ok(())
}

/// A growth incidence curve: growth (percent) by percentile with its interval band, the mean's
/// growth as a dashed line and zero as a grey line. `points` are (p, growth, lower, upper) in
/// fractions. (One drawing closure, as in [`series_chart`].)
pub fn gic_chart(
    stem: &Path,
    title: &str,
    source: &str,
    points: &[(f64, f64, f64, f64)],
    mean_growth: f64,
    level: f64,
) -> Result<Vec<PathBuf>> {
    let pct = |v: f64| v * 100.0;
    let ys = points
        .iter()
        .flat_map(|&(_, g, lo, hi)| [g, lo, hi])
        .chain([mean_growth, 0.0])
        .map(pct);
    let (y0, y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    let pad = (y1 - y0).max(0.5) * 0.1;
    let band_label = format!("{:.0} % pointwise interval", level * 100.0);
    macro_rules! draw {
        ($db:ty) => {
            |root: &DrawingArea<$db, Shift>| -> std::result::Result<(), String> {
                let main = with_footer(root, source)?;
                let mut chart = ChartBuilder::on(&main)
                    .caption(title, (FAMILY, 22))
                    .margin(14)
                    .x_label_area_size(44)
                    .y_label_area_size(64)
                    .build_cartesian_2d(0.0..100.0, (y0 - pad)..(y1 + pad))
                    .map_err(|e| e.to_string())?;
                chart
                    .configure_mesh()
                    .x_desc("percentile of per-capita expenditure")
                    .y_desc("real growth, %")
                    .x_label_formatter(&|x| tick(*x, 1))
                    .y_label_formatter(&|y| tick(*y, 1))
                    .label_style((FAMILY, 14))
                    .axis_desc_style((FAMILY, 15))
                    .draw()
                    .map_err(|e| e.to_string())?;
                let colour = PALETTE[0];
                let band: Vec<(f64, f64)> = points
                    .iter()
                    .map(|&(p, _, _, hi)| (pct(p), pct(hi)))
                    .chain(points.iter().rev().map(|&(p, _, lo, _)| (pct(p), pct(lo))))
                    .collect();
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        band,
                        colour.mix(0.2).filled(),
                    )))
                    .map_err(|e| e.to_string())?
                    .label(band_label.as_str())
                    .legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 20, y + 5)], colour.mix(0.2).filled())
                    });
                chart
                    .draw_series(LineSeries::new(
                        points.iter().map(|&(p, g, _, _)| (pct(p), pct(g))),
                        colour.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?
                    .label("growth of the quantile")
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2))
                    });
                let mean_colour = PALETTE[1];
                chart
                    .draw_series(DashedLineSeries::new(
                        [(0.0, pct(mean_growth)), (100.0, pct(mean_growth))],
                        8,
                        5,
                        mean_colour.stroke_width(2),
                    ))
                    .map_err(|e| e.to_string())?
                    .label("growth of the mean")
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 20, y)], mean_colour.stroke_width(2))
                    });
                chart
                    .draw_series(LineSeries::new(
                        [(0.0, 0.0), (100.0, 0.0)],
                        GREY.stroke_width(1),
                    ))
                    .map_err(|e| e.to_string())?;
                legend(&mut chart, SeriesLabelPosition::UpperRight)?;
                Ok(())
            }
        };
    }
    render_both!(stem, (900, 560), draw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_print_whole_numbers_without_decimals() {
        assert_eq!(tick(10.0, 1), "10");
        assert_eq!(tick(-2.0, 1), "-2");
        assert_eq!(tick(-0.0, 1), "0");
        assert_eq!(tick(1e-13, 3), "0");
        assert_eq!(tick(0.1, 1), "0.1");
        assert_eq!(tick(-0.035, 3), "-0.035");
        assert_eq!(tick(1.0 + 1e-12, 1), "1");
    }

    #[test]
    fn notes_wrap_at_spaces_and_lose_no_word() {
        let text = "Source: reproduced with ginikit from synthetic tables; deflated by the CPI";
        let lines = wrap_words(text, |l| l.len() <= 20);
        assert!(lines.iter().all(|l| l.len() <= 20), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        // A word longer than the line gets a line of its own.
        assert_eq!(
            wrap_words("a verylongword b", |l| l.len() <= 4),
            ["a", "verylongword", "b"]
        );
        assert!(wrap_words("", |_| true).is_empty());
    }
}
