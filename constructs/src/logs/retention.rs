//! Log retention: only the values CloudFormation accepts.

/// How long CloudWatch Logs keeps events. `None` on the log group means forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RetentionDays {
    OneDay = 1,
    ThreeDays = 3,
    FiveDays = 5,
    OneWeek = 7,
    TwoWeeks = 14,
    OneMonth = 30,
    TwoMonths = 60,
    ThreeMonths = 90,
    FourMonths = 120,
    FiveMonths = 150,
    SixMonths = 180,
    OneYear = 365,
    ThirteenMonths = 400,
    EighteenMonths = 545,
    TwoYears = 731,
    ThreeYears = 1096,
    FiveYears = 1827,
    SixYears = 2192,
    SevenYears = 2557,
    EightYears = 2922,
    NineYears = 3288,
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
