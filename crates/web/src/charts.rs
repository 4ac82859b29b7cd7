//! Charts drawn on the server as SVG: no script, no third-party code. A chart is a picture of a
//! table that stands beside it on the page. The SVG has a title and a description for screen
//! readers (`role="img"`). Its lines differ in dash pattern and marker as well as in colour, so
//! colour is never the only way to tell them apart.

use passend_domain::text::escape_html;
use std::fmt::Write as _;

/// One line of a chart: its name (in the legend) and a value per x position (`None`: no value).
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<Option<f64>>,
}

/// Stroke, dash pattern and marker per line, in order.
const STYLES: [(&str, &str, Marker); 4] = [
    ("#0b5394", "", Marker::Circle),
    ("#8a3b00", "8 4", Marker::Square),
    ("#1e6b34", "2 3", Marker::Triangle),
    ("#5b2a86", "12 3 2 3", Marker::Diamond),
];

#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// A line chart over `x_labels` (left to right) of up to four series. `format` writes a value
/// on the y axis ("2,5 %"). `title` and `description` are what a screen reader hears.
pub fn line_chart(
    title: &str,
    description: &str,
    x_labels: &[String],
    series: &[Series<'_>],
    format: &dyn Fn(f64) -> String,
) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0_f64, |m, v| m.max(*v));
    let (top, step) = scale(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let n = x_labels.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| TOP + plot_h * (1.0 - v / top);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="passend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-titel {id}-uitleg" xmlns="http://www.w3.org/2000/svg"><title id="{id}-titel">{title}</title><desc id="{id}-uitleg">{description}</desc>"#,
        id = chart_id(title),
        title = esc(title),
        description = esc(description),
    );
    // Grid lines with their values.
    let mut v = 0.0;
    while v <= top + step / 2.0 {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{x2}" y1="{yy:.1}" y2="{yy:.1}" stroke="#c8c8c8" stroke-width="1"/><text x="{tx}" y="{ty:.1}" text-anchor="end" font-size="12" fill="#333">{label}</text>"##,
            x2 = WIDTH - RIGHT,
            yy = y(v),
            tx = LEFT - 6.0,
            ty = y(v) + 4.0,
            label = esc(&format(v)),
        );
        v += step;
    }
    // Labels under the x axis: every one that fits, the last one always.
    let every = n.div_ceil(12);
    for (i, label) in x_labels.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            let _ = write!(
                svg,
                r##"<text x="{xx:.1}" y="{ty}" text-anchor="middle" font-size="12" fill="#333">{label}</text>"##,
                xx = x(i),
                ty = HEIGHT - BOTTOM + 18.0,
                label = esc(label),
            );
        }
    }
    for (s, (colour, dash, marker)) in series.iter().zip(STYLES) {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, value) in s.values.iter().enumerate() {
            match value {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1} {:.1} ",
                        if pen_down { "L" } else { "M" },
                        x(i),
                        y(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            let dash = dash_attr(dash);
            let _ = write!(
                svg,
                r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>"#,
                path.trim_end()
            );
        }
        for (i, value) in s.values.iter().enumerate() {
            if let Some(v) = value {
                svg.push_str(&marker_at(marker, x(i), y(*v), colour));
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The legend as HTML, beside the chart: each line's name with its own pattern.
pub fn legend(series: &[Series<'_>]) -> String {
    let mut out = String::from(r#"<ul class="passend-chart-legend">"#);
    for (s, (colour, dash, marker)) in series.iter().zip(STYLES) {
        let dash = dash_attr(dash);
        let _ = write!(
            out,
            r#"<li><svg width="40" height="14" aria-hidden="true" focusable="false"><line x1="2" x2="38" y1="7" y2="7" stroke="{colour}" stroke-width="2.5"{dash}/>{}</svg> {}</li>"#,
            marker_at(marker, 20.0, 7.0, colour),
            esc(s.name)
        );
    }
    out.push_str("</ul>");
    out
}

/// The dash pattern as an SVG attribute ("" for a solid line).
fn dash_attr(dash: &str) -> String {
    if dash.is_empty() {
        String::new()
    } else {
        format!(r#" stroke-dasharray="{dash}""#)
    }
}

fn marker_at(marker: Marker, x: f64, y: f64, colour: &str) -> String {
    match marker {
        Marker::Circle => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{colour}"/>"#),
        Marker::Square => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{colour}"/>"#,
            x - 3.5,
            y - 3.5
        ),
        Marker::Triangle => format!(
            r#"<path d="M{x:.1} {:.1} L{:.1} {:.1} L{:.1} {:.1} Z" fill="{colour}"/>"#,
            y - 4.5,
            x + 4.5,
            y + 3.5,
            x - 4.5,
            y + 3.5
        ),
        Marker::Diamond => format!(
            r#"<path d="M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z" fill="{colour}"/>"#,
            y - 4.5,
            x + 4.5,
            y + 4.5,
            x - 4.5
        ),
    }
}

/// The top of the y axis and the step between grid lines: a round number just above `max`.
fn scale(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 0.25);
    }
    let rough = max / 4.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude);
    ((max / step).ceil() * step, step)
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html(text, &mut out);
    out
}

/// An id for the chart's title and description, from its title.
fn chart_id(title: &str) -> String {
    let slug: String = title
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .take(40)
        .collect();
    format!("grafiek-{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_its_words_its_lines_and_a_round_axis() {
        let years: Vec<String> = (2020..=2025).map(|y| y.to_string()).collect();
        let series = [
            Series {
                name: "Almere <PO2401>",
                values: vec![Some(2.1), Some(2.3), None, Some(2.5), Some(2.6), Some(2.7)],
            },
            Series {
                name: "Nederland",
                values: vec![Some(2.0); 6],
            },
        ];
        let svg = line_chart("SBO-deelname", "Twee lijnen", &years, &series, &|v| {
            format!("{v:.1} %")
        });
        assert!(svg.starts_with(r#"<svg class="passend-chart""#));
        assert!(
            svg.contains(r#"role="img""#)
                && svg.contains("<title id=\"grafiek-sbodeelname-titel\">SBO-deelname</title>")
        );
        // A gap where a value is missing: two pieces of line for the first series.
        assert_eq!(svg.matches("<path d=\"M").count(), 2, "{svg}");
        let first = svg.split("<path d=\"").nth(1).unwrap();
        let first = &first[..first.find('"').unwrap()];
        assert_eq!(
            first.matches('M').count(),
            2,
            "the line breaks at the gap: {first}"
        );
        // The axis goes to a round number above the highest value.
        assert_eq!(scale(2.7), (3.0, 1.0));
        assert_eq!(scale(0.0), (1.0, 0.25));
        assert_eq!(scale(13.0), (15.0, 5.0));
        assert!(svg.contains(">3.0 %</text>"));
        let legend = legend(&series);
        assert!(
            legend.contains("Almere &lt;PO2401&gt;"),
            "names are escaped"
        );
        assert!(
            legend.contains("stroke-dasharray=\"8 4\""),
            "not by colour alone"
        );
    }
}
