package io.ferry.api.repository;

import io.ferry.api.ValidationException;

/**
 * Which backups of each disk prune keeps; a backup is kept when any rule keeps it.
 * The newest backup of a disk is always kept.
 *
 * @param keepLast    the newest N backups
 * @param keepDaily   the newest backup of each of the last N days that have backups
 * @param keepWeekly  the newest backup of each of the last N ISO weeks that have backups
 * @param keepMonthly the newest backup of each of the last N months that have backups
 */
public record RetentionPolicy(int keepLast, int keepDaily, int keepWeekly, int keepMonthly) {

    public RetentionPolicy {
        check("keepLast", keepLast);
        check("keepDaily", keepDaily);
        check("keepWeekly", keepWeekly);
        check("keepMonthly", keepMonthly);
        if (keepLast + keepDaily + keepWeekly + keepMonthly == 0) {
            throw new ValidationException("retention", "keeps nothing: set at least one of keep-last,"
                    + " keep-daily, keep-weekly, keep-monthly");
        }
    }

    private static void check(String field, int value) {
        if (value < 0) {
            throw new ValidationException(field, value + " is negative");
        }
    }

    public static RetentionPolicy keepLast(int n) {
        return new RetentionPolicy(n, 0, 0, 0);
    }
}
