//! Pure SVG rendering: no database, no I/O. Every text taken from the data is XML-escaped;
//! the images reference nothing outside themselves (system sans-serif font, no scripts, no
//! links). 360 units wide, fonts ≥ 12, `width="100%"` so that they fill a phone's screen.

use std::fmt::Write;

const WIDTH: f64 = 360.0;
const MARGIN: f64 = 16.0;
const FONT: &str = "font-family=\"sans-serif\"";
const INK: &str = "#1f2937";
const MUTED: &str = "#4b5563";
const BASELINE: &str = "#6b7280";
const TARGET: &str = "#15803d";
const SERIES: &str = "#1d4ed8";
const TRACK: &str = "#e5e7eb";

/// One measurement: its period ("2024-Q2"), its value when it can be plotted (a yes/no as 1/0),
/// or its text when it is a qualitative observation.
#[derive(Debug, Clone)]
pub struct Point {
    pub period: String,
    pub value: Option<f64>,
    pub text: Option<String>,
}

/// How an indicator's values are scaled and read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scale {
    /// From the values and references, rounded to steps of 1, 2 or 5 × 10^n.
    Auto,
    /// Yes or no, plotted as 1 and 0 and read "oui" and "non".
    YesNo,
    /// A level indicator's own scale ("Niveau de 1 à 5"), whatever the values.
    Fixed { min: f64, max: f64 },
}

/// An indicator's series with its references.
#[derive(Debug, Clone)]
pub struct Series {
    pub title: String,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub scale: Scale,
    pub points: Vec<Point>,
}

impl Series {
    /// A value as the chart writes it: "oui", "1 250 €", "3,5".
    fn label(&self, value: f64) -> String {
        match self.scale {
            Scale::YesNo if value >= 0.5 => "oui".to_string(),
            Scale::YesNo => "non".to_string(),
            _ => with_unit(value, self.unit.as_deref()),
        }
    }

    /// The plotted range and its labelled ticks, given every finite value and reference.
    fn range(&self, all: &[f64]) -> (f64, f64, Vec<(f64, String)>) {
        match self.scale {
            Scale::YesNo => (
                -0.25,
                1.25,
                vec![(0.0, "non".to_string()), (1.0, "oui".to_string())],
            ),
            Scale::Fixed { min, max } if min < max => {
                let step = nice_step((max - min) / 4.0);
                let mut ticks: Vec<f64> = (0..)
                    .map(|i| min + step * f64::from(i))
                    .take_while(|tick| *tick < max - step * 1e-9)
                    .collect();
                ticks.push(max);
                (min, max, labelled(ticks))
            }
            Scale::Fixed { .. } | Scale::Auto => auto_range(all),
        }
    }
}

fn labelled(ticks: Vec<f64>) -> Vec<(f64, String)> {
    ticks.into_iter().map(|tick| (tick, number(tick))).collect()
}

/// A range that holds `all`, from 0 when the values are not far from it, on "nice" ticks.
fn auto_range(all: &[f64]) -> (f64, f64, Vec<(f64, String)>) {
    let (mut low, mut high) = all
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    if all.is_empty() {
        (low, high) = (0.0, 1.0);
    }
    if low > 0.0 && low <= high * 0.5 {
        low = 0.0;
    }
    if (high - low).abs() < f64::EPSILON {
        let pad = if high == 0.0 { 1.0 } else { high.abs() * 0.1 };
        low -= pad;
        high += pad;
    }
    let step = nice_step((high - low) / 3.0);
    let low = (low / step).floor() * step;
    let high = (high / step).ceil() * step;
    let ticks = (0..=((high - low) / step).round() as usize)
        .map(|i| low + step * i as f64)
        .collect();
    (low, high, labelled(ticks))
}

/// One axis' bar.
#[derive(Debug, Clone)]
pub struct AxisBar {
    pub label: String,
    /// 0-100, or none when nothing is measurable.
    pub progress: Option<f64>,
}

/// Escapes a text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A number the French way: "12", "12,5", "-0,25", "1 234 567" (thousands apart from five
/// digits on, with a no-break space); at most two decimals.
pub fn number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        let text = format!("{rounded:.2}");
        text.trim_end_matches('0').to_string()
    };
    let text = if text == "-0" { "0".to_string() } else { text };
    let (sign, digits) = match text.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if whole.len() > 4 && i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped},{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

fn with_unit(value: f64, unit: Option<&str>) -> String {
    match unit {
        Some(unit) if !unit.trim().is_empty() => format!("{} {}", number(value), unit.trim()),
        _ => number(value),
    }
}

/// Splits `text` into at most `max_lines` lines of at most `width` characters, ending with "…"
/// when cut.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let word: String = if word.chars().count() > width {
            word.chars().take(width - 1).chain(['…']).collect()
        } else {
            word.to_string()
        };
        if current.is_empty() {
            current = word;
        } else if current.chars().count() + 1 + word.chars().count() <= width {
            current.push(' ');
            current.push_str(&word);
        } else {
            lines.push(std::mem::replace(&mut current, word));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = &mut lines[max_lines - 1];
        let kept: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{}…", kept.trim_end());
    }
    lines
}

/// 1, 2 or 5 × 10^n, the smallest at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude)
}

fn open(out: &mut String, height: f64, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 {WIDTH} {height}\" \
         preserveAspectRatio=\"xMidYMin meet\" role=\"img\" {FONT}>\
         <title>{}</title>\
         <rect width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>",
        escape(title)
    );
}

fn text(out: &mut String, x: f64, y: f64, size: u32, attrs: &str, content: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" {attrs}>{}</text>",
        escape(content)
    );
}

/// An indicator's measurements against its baseline ("Valeur de référence") and target
/// ("Valeur cible").
pub fn indicator_chart(series: &Series) -> String {
    let title_lines = wrap(&series.title, 36, 3);
    let plot_top = MARGIN + 20.0 * title_lines.len() as f64 + 14.0;
    let plot_height = 180.0;
    let plot_bottom = plot_top + plot_height;
    let plot_right = WIDTH - MARGIN;
    let legend_top = plot_bottom + 44.0;
    let height = legend_top + 22.0 + MARGIN + 6.0;

    let mut out = String::new();
    open(&mut out, height, &series.title);
    for (i, line) in title_lines.iter().enumerate() {
        text(
            &mut out,
            MARGIN,
            MARGIN + 16.0 + 20.0 * i as f64,
            15,
            &format!("font-weight=\"bold\" fill=\"{INK}\""),
            line,
        );
    }

    let values: Vec<(usize, f64)> = series
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.filter(|v| v.is_finite()).map(|v| (i, v)))
        .collect();
    let references = [series.baseline, series.target];
    let all: Vec<f64> = values
        .iter()
        .map(|(_, v)| *v)
        .chain(references.iter().flatten().copied())
        .filter(|v| v.is_finite())
        .collect();
    let (low, high, ticks) = series.range(&all);
    let y_of = |v: f64| plot_bottom - (v - low) / (high - low) * plot_height;
    // Room on the left for the longest tick label (about 7 units a character at size 12).
    let widest = ticks
        .iter()
        .map(|(_, label)| label.chars().count())
        .max()
        .unwrap_or(1);
    let plot_left = (MARGIN + 7.0 * widest as f64 + 6.0).max(40.0);
    let observations: Vec<&Point> = series.points.iter().filter(|p| p.text.is_some()).collect();
    if values.is_empty() && !observations.is_empty() {
        // A text has neither baseline nor target: no legend.
        observations_panel(&mut out, &observations, plot_top, plot_height);
        out.push_str("</svg>");
        return out;
    }

    // Frame and scale.
    let _ = write!(
        out,
        "<rect x=\"{plot_left:.1}\" y=\"{plot_top:.1}\" width=\"{:.1}\" height=\"{plot_height}\" \
         fill=\"#f9fafb\" stroke=\"{TRACK}\"/>",
        plot_right - plot_left
    );
    for (tick, label) in &ticks {
        let y = y_of(*tick);
        let _ = write!(
            out,
            "<line x1=\"{plot_left:.1}\" y1=\"{y:.1}\" x2=\"{plot_right}\" y2=\"{y:.1}\" \
             stroke=\"{TRACK}\"/>"
        );
        text(
            &mut out,
            plot_left - 4.0,
            y + 4.0,
            12,
            &format!("text-anchor=\"end\" fill=\"{MUTED}\""),
            label,
        );
    }

    // Reference lines.
    for (value, colour, dash) in [
        (series.baseline, BASELINE, "6 4"),
        (series.target, TARGET, "2 3"),
    ] {
        if let Some(v) = value.filter(|v| v.is_finite()) {
            let y = y_of(v);
            let _ = write!(
                out,
                "<line x1=\"{plot_left}\" y1=\"{y:.1}\" x2=\"{plot_right}\" y2=\"{y:.1}\" \
                 stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>"
            );
        }
    }

    // The series.
    let count = series.points.len();
    let x_of = |i: usize| {
        if count <= 1 {
            (plot_left + plot_right) / 2.0
        } else {
            plot_left + 14.0 + (plot_right - plot_left - 28.0) * i as f64 / (count - 1) as f64
        }
    };
    if values.is_empty() {
        text(
            &mut out,
            (plot_left + plot_right) / 2.0,
            plot_top + plot_height / 2.0 + 6.0,
            16,
            &format!("text-anchor=\"middle\" font-style=\"italic\" fill=\"{MUTED}\""),
            "Aucune mesure",
        );
    } else {
        let points: Vec<String> = values
            .iter()
            .map(|(i, v)| format!("{:.1},{:.1}", x_of(*i), y_of(*v)))
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{SERIES}\" stroke-width=\"2.5\" \
             stroke-linejoin=\"round\"/>",
            points.join(" ")
        );
        for (i, v) in &values {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{SERIES}\"><title>{} : {}</title></circle>",
                x_of(*i),
                y_of(*v),
                escape(&series.points[*i].period),
                escape(&series.label(*v)),
            );
        }
        // The last value, written beside its point.
        let (i, v) = values[values.len() - 1];
        let x = x_of(i);
        let anchor = if x > WIDTH / 2.0 { "end" } else { "start" };
        let dx = if anchor == "end" { -6.0 } else { 6.0 };
        text(
            &mut out,
            x + dx,
            y_of(v) - 8.0,
            13,
            &format!("text-anchor=\"{anchor}\" font-weight=\"bold\" fill=\"{SERIES}\""),
            &series.label(v),
        );
    }
    // Period labels: at most five, always the first and the last.
    if count > 0 {
        let step = count.div_ceil(5).max(1);
        for i in 0..count {
            if i % step == 0 || i == count - 1 {
                if i != count - 1 && count - 1 - i < step && i != 0 {
                    continue;
                }
                text(
                    &mut out,
                    x_of(i),
                    plot_bottom + 18.0,
                    12,
                    &format!("text-anchor=\"middle\" fill=\"{MUTED}\""),
                    &series.points[i].period,
                );
            }
        }
    }

    legend(&mut out, series, legend_top);
    out.push_str("</svg>");
    out
}

/// The baseline and the target, under the plot.
fn legend(out: &mut String, series: &Series, top: f64) {
    let reference = |v: Option<f64>| match v {
        Some(v) => series.label(v),
        None => "non renseignée".to_string(),
    };
    for (row, (colour, dash, label, value)) in [
        (BASELINE, "6 4", "Valeur de référence", series.baseline),
        (TARGET, "2 3", "Valeur cible", series.target),
    ]
    .into_iter()
    .enumerate()
    {
        let y = top + 22.0 * row as f64;
        let _ = write!(
            out,
            "<line x1=\"{MARGIN}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" \
             stroke-width=\"2\" stroke-dasharray=\"{dash}\"/>",
            y - 4.0,
            MARGIN + 28.0,
            y - 4.0
        );
        text(
            out,
            MARGIN + 36.0,
            y,
            13,
            &format!("fill=\"{INK}\""),
            &format!("{label} : {}", reference(value)),
        );
    }
}

/// A qualitative indicator's latest observations, newest first, as written, in the plot's place.
fn observations_panel(out: &mut String, observations: &[&Point], top: f64, height: f64) {
    let _ = write!(
        out,
        "<rect x=\"{MARGIN}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{height}\" \
         fill=\"#f9fafb\" stroke=\"{TRACK}\"/>",
        WIDTH - 2.0 * MARGIN
    );
    let mut y = top + 22.0;
    let bottom = top + height - 8.0;
    for point in observations.iter().rev() {
        let Some(observation) = &point.text else {
            continue;
        };
        if y > bottom {
            break;
        }
        text(
            out,
            MARGIN + 8.0,
            y,
            12,
            &format!("font-weight=\"bold\" fill=\"{SERIES}\""),
            &point.period,
        );
        for line in wrap(observation, 42, 3) {
            y += 16.0;
            if y > bottom {
                break;
            }
            text(out, MARGIN + 8.0, y, 12, &format!("fill=\"{INK}\""), &line);
        }
        y += 22.0;
    }
}

/// A convention's progress by axis ("Progression par axe"), one horizontal bar each.
pub fn progress_chart(convention: &str, overall: Option<f64>, axes: &[AxisBar]) -> String {
    let name_lines = wrap(convention, 42, 2);
    let mut y = MARGIN + 18.0;
    let mut body = String::new();
    text(
        &mut body,
        MARGIN,
        y,
        17,
        &format!("font-weight=\"bold\" fill=\"{INK}\""),
        "Progression par axe",
    );
    for line in &name_lines {
        y += 18.0;
        text(&mut body, MARGIN, y, 13, &format!("fill=\"{MUTED}\""), line);
    }
    y += 20.0;
    let overall_text = match overall {
        Some(p) => format!("Ensemble de la convention : {} %", number(p)),
        None => "Ensemble de la convention : non mesurable".to_string(),
    };
    text(
        &mut body,
        MARGIN,
        y,
        14,
        &format!("font-weight=\"bold\" fill=\"{INK}\""),
        &overall_text,
    );
    y += 12.0;
    if axes.is_empty() {
        y += 30.0;
        text(
            &mut body,
            WIDTH / 2.0,
            y,
            15,
            &format!("text-anchor=\"middle\" font-style=\"italic\" fill=\"{MUTED}\""),
            "Aucun axe",
        );
    }
    let bar_width = WIDTH - 2.0 * MARGIN;
    for axis in axes {
        y += 10.0;
        for line in wrap(&axis.label, 44, 2) {
            y += 17.0;
            text(&mut body, MARGIN, y, 13, &format!("fill=\"{INK}\""), &line);
        }
        y += 8.0;
        let _ = write!(
            body,
            "<rect x=\"{MARGIN}\" y=\"{y:.1}\" width=\"{bar_width:.1}\" height=\"22\" rx=\"4\" \
             fill=\"{TRACK}\"/>"
        );
        match axis.progress.filter(|p| p.is_finite()) {
            Some(p) => {
                let p = p.clamp(0.0, 100.0);
                let w = bar_width * p / 100.0;
                if w > 0.0 {
                    let _ = write!(
                        body,
                        "<rect x=\"{MARGIN}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"22\" rx=\"4\" \
                         fill=\"{SERIES}\"/>"
                    );
                }
                let label = format!("{} %", number(p));
                let (x, anchor, colour) = if w > 60.0 {
                    (MARGIN + w - 6.0, "end", "#ffffff")
                } else {
                    (MARGIN + w + 6.0, "start", INK)
                };
                text(
                    &mut body,
                    x,
                    y + 16.0,
                    13,
                    &format!("text-anchor=\"{anchor}\" font-weight=\"bold\" fill=\"{colour}\""),
                    &label,
                );
            }
            None => text(
                &mut body,
                MARGIN + 6.0,
                y + 16.0,
                13,
                &format!("font-style=\"italic\" fill=\"{MUTED}\""),
                "Aucune mesure",
            ),
        }
        y += 22.0;
    }
    let height = (y + MARGIN).ceil();
    let mut out = String::new();
    open(
        &mut out,
        height,
        &format!("Progression par axe – {convention}"),
    );
    out.push_str(&body);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_series() -> Series {
        Series {
            title: "1.2.1 Taux < 50 % & plus de familles accompagnées vers l'accès aux droits"
                .to_string(),
            unit: Some("%".to_string()),
            baseline: Some(32.0),
            target: Some(60.0),
            points: ["2022", "2023", "2024", "2025"]
                .iter()
                .zip([30.5, 41.0, 47.25, 52.0])
                .map(|(p, v)| Point {
                    period: p.to_string(),
                    value: Some(v),
                    text: None,
                })
                .collect(),
            scale: Scale::Auto,
        }
    }

    fn sample_axes() -> Vec<AxisBar> {
        vec![
            AxisBar {
                label: "Axe 1 – Petite enfance & parentalité".to_string(),
                progress: Some(72.5),
            },
            AxisBar {
                label: "Axe 2 – Jeunesse <16-25 ans> : insertion, mobilité et accès aux loisirs éducatifs".to_string(),
                progress: Some(18.0),
            },
            AxisBar {
                label: "Axe 3 – Accès aux droits".to_string(),
                progress: None,
            },
            AxisBar {
                label: "Axe 4 – Logement".to_string(),
                progress: Some(100.0),
            },
        ]
    }

    /// Checks the shape every chart must have.
    fn check_svg(svg: &str) {
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("width=\"100%\""));
        assert!(svg.contains("viewBox=\"0 0 360 "));
        assert!(svg.contains("<title>"));
        for forbidden in ["<script", "href", "@import", "url(", "<style"] {
            assert!(!svg.contains(forbidden), "{forbidden}");
        }
        // Every font size is at least 12.
        for part in svg.split("font-size=\"").skip(1) {
            let size: u32 = part.split('"').next().unwrap().parse().unwrap();
            assert!(size >= 12, "font-size {size}");
        }
        // No raw '<' or '&' inside texts: every '&' starts an entity, every '<' a tag.
        for (i, _) in svg.match_indices('&') {
            let rest = &svg[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| rest.starts_with(e)),
                "raw & at {i}"
            );
        }
        for (i, _) in svg.match_indices('<') {
            let next = svg[i + 1..].chars().next().unwrap();
            assert!(next.is_ascii_alphabetic() || next == '/', "raw < at {i}");
        }
        // Tags balance.
        let opens = svg.matches("<text").count();
        assert_eq!(opens, svg.matches("</text>").count());
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(
            escape("Taux < 50 % & plus \"x\" 'y' >"),
            "Taux &lt; 50 % &amp; plus &quot;x&quot; &apos;y&apos; &gt;"
        );
    }

    #[test]
    fn numbers_the_french_way() {
        assert_eq!(number(12.0), "12");
        assert_eq!(number(12.5), "12,5");
        assert_eq!(number(47.256), "47,26");
        assert_eq!(number(-0.001), "0");
        assert_eq!(number(1500.0), "1500");
        assert_eq!(number(1_234_567.5), "1\u{a0}234\u{a0}567,5");
        assert_eq!(number(-98_765.4), "-98\u{a0}765,4");
        assert_eq!(nice_step(9.4), 10.0);
        assert_eq!(nice_step(1.2), 2.0);
        assert_eq!(nice_step(0.3), 0.5);
    }

    #[test]
    fn wraps_long_texts() {
        assert_eq!(wrap("a b c", 3, 2), vec!["a b", "c"]);
        let lines = wrap("un deux trois quatre cinq six", 9, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
    }

    #[test]
    fn indicator_chart_shows_series_and_references() {
        let svg = indicator_chart(&sample_series());
        check_svg(&svg);
        assert!(svg.contains("Valeur cible : 60 %"));
        assert!(svg.contains("Valeur de référence : 32 %"));
        assert!(svg.contains("Taux &lt; 50 % &amp; plus"));
        assert!(svg.contains("<polyline"));
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("52 %"));
        assert!(!svg.contains("Aucune mesure"));
    }

    #[test]
    fn indicator_chart_without_measurements() {
        let mut series = sample_series();
        series.points.clear();
        series.target = None;
        let svg = indicator_chart(&series);
        check_svg(&svg);
        assert!(svg.contains("Aucune mesure"));
        assert!(svg.contains("Valeur cible : non renseignée"));
        assert!(!svg.contains("<polyline"));
    }

    #[test]
    fn indicator_chart_with_one_flat_value() {
        let series = Series {
            title: "x".into(),
            unit: None,
            baseline: None,
            target: None,
            points: vec![Point {
                period: "2024-Q1".into(),
                value: Some(0.0),
                text: None,
            }],
            scale: Scale::Auto,
        };
        let svg = indicator_chart(&series);
        check_svg(&svg);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    fn large_series() -> Series {
        let mut series = sample_series();
        series.unit = Some("€".into());
        series.target = Some(1_500_000.0);
        series.points[3].value = Some(98_765.4);
        series
    }

    fn yes_no_series() -> Series {
        let mut series = sample_series();
        series.unit = None;
        series.baseline = Some(0.0);
        series.target = Some(1.0);
        series.scale = Scale::YesNo;
        for (point, value) in series.points.iter_mut().zip([0.0, 0.0, 1.0, 1.0]) {
            point.value = Some(value);
        }
        series
    }

    fn level_series() -> Series {
        let mut series = sample_series();
        series.unit = None;
        series.baseline = Some(2.0);
        series.target = Some(4.0);
        series.scale = Scale::Fixed { min: 1.0, max: 5.0 };
        for point in &mut series.points {
            point.value = Some(3.0);
        }
        series
    }

    fn text_series() -> Series {
        let mut series = sample_series();
        let texts = [
            "a",
            "b",
            "Premiers ateliers avec les familles",
            "-baisse du chômage des jeunes & <16 ans> sur le territoire de la CCQB",
        ];
        for (point, text) in series.points.iter_mut().zip(texts) {
            point.value = None;
            point.text = Some(text.to_string());
        }
        series
    }

    #[test]
    fn large_numbers_have_room_on_the_left() {
        let svg = indicator_chart(&large_series());
        check_svg(&svg);
        assert!(svg.contains(">1\u{a0}500\u{a0}000</text>"));
        // The frame starts right of the widest tick label ("1 500 000": 9 characters).
        let frame_x: f64 = svg
            .split("<rect x=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        assert!(frame_x >= MARGIN + 9.0 * 7.0, "{frame_x}");
    }

    #[test]
    fn yes_no_indicators_read_oui_and_non() {
        let svg = indicator_chart(&yes_no_series());
        check_svg(&svg);
        assert!(svg.contains(">oui</text>") && svg.contains(">non</text>"));
        assert!(svg.contains("2025 : oui"));
        assert!(svg.contains("Valeur cible : oui"));
        assert!(!svg.contains(">1</text>"));
    }

    #[test]
    fn level_indicators_keep_their_scale() {
        let svg = indicator_chart(&level_series());
        check_svg(&svg);
        for tick in ["1", "2", "3", "4", "5"] {
            assert!(svg.contains(&format!(">{tick}</text>")), "{tick}");
        }
    }

    #[test]
    fn text_indicators_list_their_latest_observations() {
        let svg = indicator_chart(&text_series());
        check_svg(&svg);
        assert!(!svg.contains("Aucune mesure"));
        assert!(svg.contains("-baisse du chômage des jeunes &amp; &lt;16 ans&gt;"));
        assert!(!svg.contains("Valeur cible"));
        // Newest first.
        assert!(svg.find(">2025</text>").unwrap() < svg.find(">2024</text>").unwrap());
    }

    #[test]
    fn progress_chart_shows_every_axis() {
        let svg = progress_chart("CTG de Saint-Lô & agglo", Some(63.5), &sample_axes());
        check_svg(&svg);
        assert!(svg.contains("Progression par axe"));
        assert!(svg.contains("CTG de Saint-Lô &amp; agglo"));
        assert!(svg.contains("72,5 %"));
        assert!(svg.contains("Aucune mesure"));
        assert!(svg.contains("Jeunesse &lt;16-25 ans&gt;"));
        assert!(svg.contains("Ensemble de la convention : 63,5 %"));
    }

    #[test]
    fn progress_chart_without_axes() {
        let svg = progress_chart("Vide", None, &[]);
        check_svg(&svg);
        assert!(svg.contains("Aucun axe"));
    }

    /// Writes sample charts for a look: `CTG_CHART_DIR=/tmp cargo test -p … charts::svg`.
    #[test]
    fn writes_samples_when_asked() {
        let Ok(dir) = std::env::var("CTG_CHART_DIR") else {
            return;
        };
        let dir = std::path::Path::new(&dir);
        std::fs::write(dir.join("indicator.svg"), indicator_chart(&sample_series())).unwrap();
        let mut empty = sample_series();
        empty.points.clear();
        std::fs::write(dir.join("indicator-empty.svg"), indicator_chart(&empty)).unwrap();
        for (name, series) in [
            ("indicator-large", large_series()),
            ("indicator-yes-no", yes_no_series()),
            ("indicator-level", level_series()),
            ("indicator-text", text_series()),
        ] {
            std::fs::write(dir.join(format!("{name}.svg")), indicator_chart(&series)).unwrap();
        }
        std::fs::write(
            dir.join("progress.svg"),
            progress_chart("CTG de Saint-Lô & agglo", Some(63.5), &sample_axes()),
        )
        .unwrap();
    }
}
