//! Log retention: only the values CloudFormation accepts.

/// How long CloudWatch Logs keeps events. `None` on the log group means forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RetentionDays {
    /// 1 day.
    OneDay = 1,
    /// 3 days.
    ThreeDays = 3,
    /// 5 days.
    FiveDays = 5,
    /// 7 days.
    OneWeek = 7,
    /// 14 days.
    TwoWeeks = 14,
    /// 30 days.
    OneMonth = 30,
    /// 60 days.
    TwoMonths = 60,
    /// 90 days.
    ThreeMonths = 90,
    /// 120 days.
    FourMonths = 120,
    /// 150 days.
    FiveMonths = 150,
    /// 180 days.
    SixMonths = 180,
    /// 365 days.
    OneYear = 365,
    /// 400 days.
    ThirteenMonths = 400,
    /// 545 days.
    EighteenMonths = 545,
    /// 731 days.
    TwoYears = 731,
    /// 1096 days.
    ThreeYears = 1096,
    /// 1827 days.
    FiveYears = 1827,
    /// 2192 days.
    SixYears = 2192,
    /// 2557 days.
    SevenYears = 2557,
    /// 2922 days.
    EightYears = 2922,
    /// 3288 days.
    NineYears = 3288,
    /// 3653 days.
    TenYears = 3653,
}

impl RetentionDays {
    /// Every accepted value, ascending.
    pub const ALL: [RetentionDays; 22] = [
        RetentionDays::OneDay,
        RetentionDays::ThreeDays,
        RetentionDays::FiveDays,
        RetentionDays::OneWeek,
        RetentionDays::TwoWeeks,
        RetentionDays::OneMonth,
        RetentionDays::TwoMonths,
        RetentionDays::ThreeMonths,
        RetentionDays::FourMonths,
        RetentionDays::FiveMonths,
        RetentionDays::SixMonths,
        RetentionDays::OneYear,
        RetentionDays::ThirteenMonths,
        RetentionDays::EighteenMonths,
        RetentionDays::TwoYears,
        RetentionDays::ThreeYears,
        RetentionDays::FiveYears,
        RetentionDays::SixYears,
        RetentionDays::SevenYears,
        RetentionDays::EightYears,
        RetentionDays::NineYears,
        RetentionDays::TenYears,
    ];

    /// The number of days.
    pub fn days(self) -> u32 {
        self as u32
    }

    /// The variant for a number of days, if CloudFormation accepts it.
    ///
    /// ```
    /// use constructs::logs::RetentionDays;
    /// assert_eq!(RetentionDays::from_days(14), Ok(RetentionDays::TwoWeeks));
    /// assert!(RetentionDays::from_days(10).unwrap_err().to_string().contains("1, 3, 5, 7, 14"));
    /// ```
    pub fn from_days(days: u32) -> Result<RetentionDays, InvalidRetention> {
        RetentionDays::ALL.into_iter().find(|r| r.days() == days).ok_or(InvalidRetention(days))
    }
}

/// A number of days CloudFormation does not accept as a retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} days is not a retention CloudWatch Logs accepts; use one of {list}", list = RetentionDays::ALL.iter().map(|r| r.days().to_string()).collect::<Vec<_>>().join(", "))]
pub struct InvalidRetention(pub u32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_values_round_trip() {
        for r in RetentionDays::ALL {
            assert_eq!(RetentionDays::from_days(r.days()), Ok(r));
        }
        assert!(RetentionDays::from_days(0).is_err());
        assert!(RetentionDays::from_days(366).is_err());
    }
}
