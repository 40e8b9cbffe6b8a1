//! Drawing a chart with plotters: title and subtitle lines, the plot (grid, reference lines,
//! bands, lines with markers), and the legend with its note.

use super::scale::{drawable, tick};
use super::{Chart, GUIDE, INK, Point, Scale};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use std::sync::Once;

const LEGEND_WIDTH: u32 = 250;
const FONT: &str = "sans-serif";

static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

fn register_font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // The font is compiled in; it parses, or the build itself is broken.
        if plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_err() {
            tracing::error!("the built-in font does not parse; chart text will be missing");
        }
    });
}

/// Binds `$mk` to a function from a position to the marker of line `$i` (circle, triangle,
/// square, cross, ring, in turn) and evaluates `$body`; a macro because each shape is its own
/// element type.
macro_rules! with_marker {
    ($i:expr, $color:expr, |$mk:ident| $body:expr) => {{
        let color: RGBColor = $color;
        let fill = color.filled();
        match $i % 5 {
            0 => {
                let $mk = |p| EmptyElement::at(p) + Circle::new((0, 0), 5, fill);
                $body
            }
            1 => {
                let $mk = |p| EmptyElement::at(p) + TriangleMarker::new((0, 0), 7, fill);
                $body
            }
            2 => {
                let $mk = |p| EmptyElement::at(p) + Rectangle::new([(-5, -5), (5, 5)], fill);
                $body
            }
            3 => {
                let $mk = |p| EmptyElement::at(p) + Cross::new((0, 0), 5, color.stroke_width(3));
                $body
            }
            _ => {
                let $mk = |p| EmptyElement::at(p) + Circle::new((0, 0), 5, color.stroke_width(2));
                $body
            }
        }
    }};
}

/// Draws `chart` on `root`: title on top, plot on the left, legend on the right.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<(), String> {
    register_font();
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let mut body = root
        .margin(12, 8, 8, 8)
        .titled(&chart.title, (FONT, 26).into_font().color(&INK))
        .map_err(err)?;
    if let Some(sub) = &chart.subtitle {
        // Long parameter lists wrap onto further lines rather than run off the picture.
        for line in subtitle_lines(sub) {
            body = body
                .titled(&line, (FONT, 17).into_font().color(&GUIDE))
                .map_err(err)?;
        }
    }
    let (w, _) = body.dim_in_pixel();
    let (plot_area, legend_area) = body.split_horizontally(w.saturating_sub(LEGEND_WIDTH));
    let scale = drawable(chart.scale);
    match scale {
        Scale::Linear(a, b) => draw_plot(&plot_area, chart, scale, a..b)?,
        Scale::Log(a, b) => draw_plot(&plot_area, chart, scale, (a..b).log_scale())?,
    }
    draw_legend(&legend_area, chart).map_err(err)
}

fn draw_plot<DB, Y>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    scale: Scale,
    y: Y,
) -> Result<(), String>
where
    DB: DrawingBackend,
    Y: AsRangedCoord<Value = f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    let (x0, x1) = chart.x_range;
    let mut cc = ChartBuilder::on(area)
        .margin_top(10)
        .margin_left(10)
        .margin_right(20)
        .x_label_area_size(55)
        .y_label_area_size(90)
        .build_cartesian_2d(x0..x1, y)
        .map_err(err)?;
    let divisor = chart.y_divisor;
    let log = matches!(scale, Scale::Log(..));
    // On a log axis every 1..9 multiple of a power of ten gets a grid line; 1, 2 and 5 get labels.
    let y_fmt = |v: &f64| {
        if log {
            let mantissa = *v / 10f64.powf(v.log10().floor());
            let labelled = [1.0, 2.0, 5.0, 10.0]
                .iter()
                .any(|m| (mantissa - m).abs() < 1e-6);
            if labelled { tick(*v) } else { String::new() }
        } else {
            tick(*v / divisor)
        }
    };
    let x_fmt = |v: &f64| format!("{v:.0}");
    cc.configure_mesh()
        .x_desc(chart.x_label.as_str())
        .y_desc(chart.y_label.as_str())
        .axis_desc_style((FONT, 18).into_font().color(&INK))
        .label_style((FONT, 15).into_font().color(&INK))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        // At most one label per round, so that short runs get no repeated labels.
        .x_labels(((x1 - x0).round() as usize + 1).clamp(2, 12))
        .y_labels(if log { 60 } else { 10 })
        .y_max_light_lines(if log { 0 } else { 5 })
        .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
        .bold_line_style(RGBColor(0xDD, 0xDD, 0xDD))
        .draw()
        .map_err(err)?;

    let (y_lo, y_hi) = match scale {
        Scale::Linear(a, b) | Scale::Log(a, b) => (a, b),
    };
    // Values off the axis (zero on a log axis) are drawn on its edge; undefined ones not at all.
    let clamp = |v: f64| v.clamp(y_lo, y_hi);
    let defined = |v: Option<f64>| v.filter(|v| !v.is_nan());

    for g in chart.guides.iter().filter(|g| g.y >= y_lo && g.y <= y_hi) {
        cc.draw_series(DashedLineSeries::new(
            [(x0, g.y), (x1, g.y)],
            5,
            5,
            GUIDE.stroke_width(1),
        ))
        .map_err(err)?;
        let pos = cc.backend_coord(&(x0, g.y));
        let (bx, by) = area.get_base_pixel();
        let dy = if g.below { 6 } else { -18 };
        area.draw(&Text::new(
            g.label.clone(),
            (pos.0 - bx + 8, pos.1 - by + dy),
            (FONT, 14).into_font().color(&GUIDE),
        ))
        .map_err(err)?;
    }

    if chart.bands {
        for line in &chart.lines {
            for run in segments(&line.points, |&(_, _, a, b)| defined(a).zip(defined(b))) {
                let mut poly: Vec<(f64, f64)> =
                    run.iter().map(|&(x, (a, _))| (x, clamp(a))).collect();
                poly.extend(run.iter().rev().map(|&(x, (_, b))| (x, clamp(b))));
                cc.draw_series(std::iter::once(Polygon::new(poly, line.color.mix(0.18))))
                    .map_err(err)?;
            }
        }
    }
    let marked = markers_shown(chart);
    for (i, line) in chart.lines.iter().enumerate() {
        let style = line.color.stroke_width(LINE_WIDTH);
        if marked && !line.dashed {
            // Markers on every k-th round, staggered between lines, so that lines with the same
            // values (two vendors matching a price) stay distinguishable.
            let n = chart.lines.iter().filter(|l| !l.dashed).count().max(1);
            let k = (line.points.len() / 12).max(n);
            let offset = i * k / n;
            let at: Vec<(f64, f64)> = line
                .points
                .iter()
                .enumerate()
                .filter(|(j, _)| (j + k - offset % k) % k == 0)
                .filter_map(|(_, &(x, m, _, _))| defined(m).map(|v| (x, clamp(v))))
                .collect();
            with_marker!(i, line.color, |mk| {
                cc.draw_series(at.iter().map(|&p| mk(p))).map_err(err)?;
            });
        }
        for run in segments(&line.points, |&(_, m, _, _)| defined(m)) {
            let pts: Vec<(f64, f64)> = run.iter().map(|&(x, v)| (x, clamp(v))).collect();
            if pts.len() == 1 {
                cc.draw_series(std::iter::once(Circle::new(pts[0], 3, style.filled())))
                    .map_err(err)?;
            } else if line.dashed {
                cc.draw_series(DashedLineSeries::new(pts, 8, 5, style))
                    .map_err(err)?;
            } else {
                cc.draw_series(LineSeries::new(pts, style)).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// Characters of a subtitle line (17-pixel text across the 1200-pixel chart).
const SUBTITLE_CHARS: usize = 110;

/// Stroke width of lines, pixels.
const LINE_WIDTH: u32 = 2;

/// Lines get markers when there are several solid ones.
fn markers_shown(chart: &Chart) -> bool {
    chart.lines.iter().filter(|l| !l.dashed).count() > 1
}

/// Runs of consecutive points where `get` is defined, as (round, value).
fn segments<T: Copy>(points: &[Point], get: impl Fn(&Point) -> Option<T>) -> Vec<Vec<(f64, T)>> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    for p in points {
        match get(p) {
            Some(v) => run.push((p.0, v)),
            None => {
                if !run.is_empty() {
                    out.push(std::mem::take(&mut run));
                }
            }
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let font = (FONT, 16).into_font().color(&INK);
    let mut y = 30;
    let marked = markers_shown(chart);
    for (i, line) in chart.lines.iter().enumerate() {
        let style = line.color.stroke_width(LINE_WIDTH);
        if marked && !line.dashed {
            with_marker!(i, line.color, |mk| area.draw(&mk((24, y + 9)))?);
        }
        if line.dashed {
            for k in 0..3 {
                area.draw(&PathElement::new(
                    vec![(8 + 12 * k, y + 9), (15 + 12 * k, y + 9)],
                    style,
                ))?;
            }
        } else {
            area.draw(&PathElement::new(vec![(8, y + 9), (40, y + 9)], style))?;
        }
        if chart.bands {
            area.draw(&Rectangle::new(
                [(8, y + 2), (40, y + 16)],
                line.color.mix(0.18).filled(),
            ))?;
        }
        for (k, part) in wrap_label(&line.name, 22).into_iter().enumerate() {
            area.draw(&Text::new(part, (48, y + k as i32 * 19), font.clone()))?;
        }
        y += 19 * wrap_label(&line.name, 22).len() as i32 + 10;
    }
    if let Some(note) = &chart.note {
        y += 10;
        let small = (FONT, 14).into_font().color(&GUIDE);
        for part in wrap_label(note, 30) {
            area.draw(&Text::new(part, (8, y), small.clone()))?;
            y += 18;
        }
    }
    Ok(())
}

/// A subtitle in lines of at most [`SUBTITLE_CHARS`] characters, broken after "; " where
/// possible, else at spaces.
fn subtitle_lines(s: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let parts: Vec<&str> = s.split("; ").collect();
    for (i, part) in parts.iter().enumerate() {
        let piece = if i + 1 < parts.len() {
            format!("{part};")
        } else {
            part.to_string()
        };
        if !line.is_empty() && line.chars().count() + 1 + piece.chars().count() > SUBTITLE_CHARS {
            lines.push(std::mem::take(&mut line));
        }
        if line.is_empty() && piece.chars().count() > SUBTITLE_CHARS {
            let mut wrapped = wrap_label(&piece, SUBTITLE_CHARS);
            line = wrapped.pop().unwrap_or_default();
            lines.extend(wrapped);
            continue;
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `s` broken into lines of at most `width` characters at spaces.
fn wrap_label(s: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::plot::scale::{AXIS_MAX, AXIS_MIN};
    use crate::analysis::plot::{Line, PALETTE, SIZE};

    #[test]
    fn charts_draw_at_the_extremes_of_their_scales() {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let scales = [
                Scale::Linear(0.0, AXIS_MIN),
                Scale::Linear(-AXIS_MAX, AXIS_MAX),
                Scale::Linear(0.0, f64::MAX),
                Scale::Linear(1.0, 1.0 + 1e-9),
                Scale::Log(AXIS_MIN, AXIS_MAX),
                Scale::Log(0.0, 1.0),
                Scale::Log(5e-324, f64::INFINITY),
            ];
            for scale in scales {
                let chart = Chart {
                    file: "prices".into(),
                    title: "t".into(),
                    subtitle: None,
                    x_label: "x".into(),
                    y_label: "y".into(),
                    x_range: (0.0, 2.0),
                    scale,
                    y_divisor: 1.0,
                    lines: vec![Line {
                        name: "A".into(),
                        color: PALETTE[0],
                        dashed: false,
                        points: vec![
                            (0.0, Some(0.0), Some(5e-324), Some(f64::MAX)),
                            (1.0, Some(f64::MAX), Some(f64::NAN), Some(f64::INFINITY)),
                            (2.0, Some(1e-300), None, None),
                        ],
                    }],
                    guides: Vec::new(),
                    bands: true,
                    note: None,
                };
                let mut svg = String::new();
                let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
                draw(&root, &chart).unwrap();
            }
            tx.send(()).unwrap();
        });
        rx.recv_timeout(std::time::Duration::from_secs(60))
            .expect("drawing finishes within a minute");
    }

    #[test]
    fn gaps_split_lines() {
        let p = vec![
            (0.0, Some(1.0), None, None),
            (1.0, None, None, None),
            (2.0, Some(2.0), None, None),
            (3.0, Some(3.0), None, None),
        ];
        let s = segments(&p, |&(_, m, _, _)| m);
        assert_eq!(s, vec![vec![(0.0, 1.0)], vec![(2.0, 2.0), (3.0, 3.0)]]);
        assert_eq!(wrap_label("price index (volume-weighted)", 22).len(), 2);
        let long = format!(
            "{}; {}; median and 90% band across 5 runs",
            "a".repeat(60),
            "b".repeat(40)
        );
        assert_eq!(
            subtitle_lines(&long),
            vec![
                format!("{}; {};", "a".repeat(60), "b".repeat(40)),
                "median and 90% band across 5 runs".to_string()
            ]
        );
    }
}
