//! Python datetimes in and out: every time argument is a timezone-aware
//! `datetime` (naive ones are refused, never assumed UTC), every time
//! returned a `datetime` in UTC. The conversions read CPython's fields in
//! place where that layout is verified: a review call is cheaper than
//! seven attribute reads.

use crate::errors::to_py;
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
use learnloop::Timestamp;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyString, PyTuple, PyTzInfo};

pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> PyErr {
    to_py(learnloop::Error::InvalidInput {
        field: field.to_string(),
        reason: reason.into(),
    })
}

/// A time argument named `field`.
pub(crate) fn timestamp(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    utc_time(field, obj).map(Timestamp::from)
}

/// A time as a Python datetime in UTC.
pub(crate) fn py_timestamp(py: Python<'_>, t: Timestamp) -> PyResult<Bound<'_, PyAny>> {
    py_time(py, t.to_datetime())
}

/// `datetime.datetime` and `timezone.utc`, looked up once, and whether
/// datetime fields can be read in place ([`DatetimeLayout`]).
struct TimeConstants {
    datetime: Py<PyAny>,
    utc: Py<PyAny>,
    layout: Option<DatetimeLayout>,
}

static TIME_CONSTANTS: PyOnceLock<TimeConstants> = PyOnceLock::new();

fn time_constants(py: Python<'_>) -> PyResult<&TimeConstants> {
    TIME_CONSTANTS.get_or_try_init(py, || {
        let datetime = py.import("datetime")?.getattr("datetime")?;
        let utc = PyTzInfo::utc(py)?.to_owned().into_any();
        let layout = DatetimeLayout::verified(&datetime, &utc)?;
        Ok(TimeConstants {
            datetime: datetime.unbind(),
            utc: utc.unbind(),
            layout,
        })
    })
}

/// Where CPython keeps a `datetime`'s fields in the object
/// (`PyDateTime_DateTime` in CPython's `Include/datetime.h`, unchanged from
/// 3.3 to 3.14): the object header, a `Py_hash_t`, a `hastzinfo` byte, the
/// ten data bytes (the same as the pickled state below, without `fold`),
/// `fold`, and then, if `hastzinfo`, the `tzinfo` pointer.
///
/// The limited API (abi3) has no accessor for these, and calling
/// `__reduce__` costs about 350 ns, more than the review it feeds. So the
/// fields are read in place, but only after [`DatetimeLayout::verified`]
/// has checked this layout against `__reduce__` on sample datetimes in this
/// very interpreter; if anything differs (another Python implementation, a
/// future CPython), the portable path is used instead.
#[derive(Clone, Copy)]
struct DatetimeLayout {
    hastzinfo: usize,
    data: usize,
    tzinfo: usize,
}

impl DatetimeLayout {
    const CPYTHON: DatetimeLayout = {
        let hastzinfo = std::mem::size_of::<pyo3::ffi::PyObject>()
            + std::mem::size_of::<pyo3::ffi::Py_hash_t>();
        let data = hastzinfo + 1;
        let pointer = std::mem::align_of::<*mut pyo3::ffi::PyObject>();
        // After the data and `fold`, aligned for a pointer.
        let tzinfo = (data + 11).div_ceil(pointer) * pointer;
        DatetimeLayout {
            hastzinfo,
            data,
            tzinfo,
        }
    };

    /// The layout, if it reads sample datetimes (aware in UTC and in
    /// another zone, naive, at the ends of the range) exactly as their
    /// `__reduce__` describes them.
    fn verified(
        datetime: &Bound<'_, PyAny>,
        utc: &Bound<'_, PyAny>,
    ) -> PyResult<Option<DatetimeLayout>> {
        let py = datetime.py();
        let layout = Self::CPYTHON;
        let size: usize = datetime.getattr("__basicsize__")?.extract()?;
        if size < layout.tzinfo + std::mem::size_of::<*mut pyo3::ffi::PyObject>() {
            return Ok(None);
        }
        let zones = py.import("datetime")?;
        let plus_two = zones
            .getattr("timezone")?
            .call1((zones.getattr("timedelta")?.call1((0, 7200))?,))?;
        let samples = [
            datetime.call1((2026, 1, 5, 9, 7, 3, 123_456, utc))?,
            datetime.call1((1, 1, 1, 0, 0, 0, 0, utc))?,
            datetime.call1((9999, 12, 31, 23, 59, 59, 999_999, utc))?,
            datetime.call1((2024, 2, 29, 13, 30, 0, 1, &plus_two))?,
            datetime.call1((2026, 11, 22, 6, 5, 4, 321))?,
        ];
        for sample in &samples {
            // SAFETY: `sample` is an exact `datetime` whose basic size covers
            // every offset read (checked above).
            if Some(unsafe { layout.read(sample) }) != reduced_fields(sample)? {
                return Ok(None);
            }
        }
        Ok(Some(layout))
    }

    /// The fields of `obj`, read in place.
    ///
    /// # Safety
    /// `obj` must be an instance of exactly `datetime.datetime`, and this
    /// layout one that [`DatetimeLayout::verified`] returned.
    unsafe fn read(&self, obj: &Bound<'_, PyAny>) -> DatetimeFields {
        let base = obj.as_ptr().cast::<u8>();
        // SAFETY: in bounds of the object (see above); unaligned reads.
        unsafe {
            let data = std::ptr::read_unaligned(base.add(self.data).cast::<[u8; 10]>());
            let tz = (*base.add(self.hastzinfo) != 0).then(|| {
                std::ptr::read_unaligned(base.add(self.tzinfo).cast::<*mut pyo3::ffi::PyObject>())
            });
            (data, tz)
        }
    }
}

/// A plain `datetime`'s ten data bytes (the layout of its pickled state,
/// see [`pickled_datetime`]) and, if it is aware, its `tzinfo` object
/// (compared by identity only).
type DatetimeFields = ([u8; 10], Option<*mut pyo3::ffi::PyObject>);

/// The fields of a plain `datetime` from `__reduce__` (the pickle format,
/// stable since Python 2.3): one 10-byte string plus the `tzinfo`, if any.
/// `None` if the state is not that shape.
fn reduced_fields(obj: &Bound<'_, PyAny>) -> PyResult<Option<DatetimeFields>> {
    let py = obj.py();
    let args = obj
        .call_method0(intern!(py, "__reduce__"))?
        .cast_into::<PyTuple>()?
        .get_item(1)?
        .cast_into::<PyTuple>()?;
    let state = args.get_item(0)?;
    let Ok(data) = <[u8; 10]>::try_from(state.cast::<pyo3::types::PyBytes>()?.as_bytes()) else {
        return Ok(None);
    };
    // The tzinfo outlives this call: its datetime holds it.
    let tz = args.get_item(1).ok().map(|tz| tz.as_ptr());
    Ok(Some((data, tz)))
}

fn int_attr(obj: &Bound<'_, PyAny>, name: &Bound<'_, PyString>) -> PyResult<u32> {
    obj.getattr(name)?.extract()
}

/// A timezone-aware Python datetime as UTC; naive datetimes are rejected.
fn utc_time(field: &str, obj: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    let py = obj.py();
    if !obj.is_instance_of::<PyDateTime>() {
        return Err(invalid(field, "expected a datetime.datetime"));
    }
    let c = time_constants(py)?;
    // Fast path for a plain `datetime`: its fields read in place (see
    // `DatetimeLayout`) or, where that layout is not verified, from
    // `__reduce__`; either is far cheaper than seven attribute reads.
    if obj.get_type().is(c.datetime.bind(py)) {
        let fields = match c.layout {
            // SAFETY: an exact `datetime`, and a verified layout.
            Some(layout) => Some(unsafe { layout.read(obj) }),
            None => reduced_fields(obj)?,
        };
        match fields {
            Some((_, None)) => return Err(naive(field)),
            Some((data, Some(tz))) if tz == c.utc.as_ptr() => {
                if let Some(t) = pickled_datetime(&data) {
                    return Ok(t);
                }
            }
            _ => {} // another zone, or an unexpected state: the general path below
        }
    }
    let tzinfo = obj.getattr(intern!(py, "tzinfo"))?;
    if tzinfo.is_none() {
        return Err(naive(field));
    }
    let converted;
    let dt = if tzinfo.is(c.utc.bind(py)) {
        obj
    } else {
        converted = obj.call_method1(intern!(py, "astimezone"), (c.utc.bind(py),))?;
        &converted
    };
    let date = NaiveDate::from_ymd_opt(
        dt.getattr(intern!(py, "year"))?.extract()?,
        int_attr(dt, intern!(py, "month"))?,
        int_attr(dt, intern!(py, "day"))?,
    );
    let time = NaiveTime::from_hms_micro_opt(
        int_attr(dt, intern!(py, "hour"))?,
        int_attr(dt, intern!(py, "minute"))?,
        int_attr(dt, intern!(py, "second"))?,
        int_attr(dt, intern!(py, "microsecond"))?,
    );
    match (date, time) {
        (Some(d), Some(t)) => Ok(d.and_time(t).and_utc()),
        _ => Err(invalid(field, "not a valid date and time")),
    }
}

fn naive(field: &str) -> PyErr {
    invalid(
        field,
        "naive datetime: pass a timezone-aware datetime such as \
         datetime(2026, 1, 5, 9, tzinfo=timezone.utc); naive times are never assumed to be UTC",
    )
}

/// The fields of a datetime's pickled state: year (2 bytes, big-endian),
/// month (its top bit is the `fold` flag), day, hour, minute, second and
/// microsecond (3 bytes, big-endian). `None` if the bytes are not that.
fn pickled_datetime(b: &[u8]) -> Option<DateTime<Utc>> {
    let [y1, y0, month, day, hour, minute, second, u2, u1, u0] = *b else {
        return None;
    };
    let year = i32::from(u16::from_be_bytes([y1, y0]));
    let micros = u32::from_be_bytes([0, u2, u1, u0]);
    let date = NaiveDate::from_ymd_opt(year, u32::from(month & 0x7f), u32::from(day))?;
    let time = NaiveTime::from_hms_micro_opt(
        u32::from(hour),
        u32::from(minute),
        u32::from(second),
        micros,
    )?;
    Some(date.and_time(time).and_utc())
}

/// A UTC time as a Python datetime with `tzinfo=timezone.utc`.
///
/// Built from the pickled state (see [`pickled_datetime`]): one call with two
/// arguments instead of eight integers.
fn py_time(py: Python<'_>, t: DateTime<Utc>) -> PyResult<Bound<'_, PyAny>> {
    let c = time_constants(py)?;
    let micros = t.timestamp_subsec_micros().min(999_999).to_be_bytes();
    let year = t.year();
    if !(1..=9999).contains(&year) {
        return Err(invalid(
            "datetime",
            format!("{t} is outside Python's datetime range (years 1 to 9999)"),
        ));
    }
    let [y1, y0] = (year as u16).to_be_bytes();
    let state = [
        y1,
        y0,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
        micros[1],
        micros[2],
        micros[3],
    ];
    c.datetime
        .bind(py)
        .call1((pyo3::types::PyBytes::new(py, &state), c.utc.bind(py)))
}
