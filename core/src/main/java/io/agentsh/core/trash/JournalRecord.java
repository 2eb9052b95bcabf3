package io.agentsh.core.trash;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An intent written (and synced) before a store operation touches user data, removed when the
 * operation is complete: {@code <trash>/journal/<token>.<op>.json}. A journal left behind by a
 * crash tells the next start what to finish or undo so that a file is never in neither place.
 *
 * @param op        divert, restore or purge
 * @param source    for divert: the path moved from
 * @param restoreTo for restore: the destination
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
record JournalRecord(@JsonProperty("op") String op, @JsonProperty("entry") TrashEntry entry,
                     @JsonProperty("source") String source, @JsonProperty("restore_to") String restoreTo) {
    static final String DIVERT = "divert";
    static final String RESTORE = "restore";
    static final String PURGE = "purge";
}
