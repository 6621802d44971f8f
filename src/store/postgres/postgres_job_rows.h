// How a Job maps to a row of the jobs table, and the keyset cursor of ListJobs.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "store/job.h"
#include "store/postgres/postgres_connection.h"

namespace a11y::pg {

// The select list that RowToJob decodes, in column order; times as epoch microseconds.
const std::string& JobSelectList();
// "(job_id, job_type, ...)": every column, for INSERT.
const std::string& JobInsertColumns();
int JobColumnCount();
// Appends the job's values in column order.
void AppendJobParams(const Job& job, Params* params);
// "unnest($first::text[], $first+1::text[], ...)": one array parameter per column, so
// that any number of rows is inserted by one statement with a fixed number of parameters.
std::string JobUnnestSource(int first);
// Appends one array per column (in column order) holding `jobs`' values.
void AppendJobArrayParams(const std::vector<Job>& jobs, Params* params);
// Decodes row `row` of a result selected with JobSelectList().
Job RowToJob(const PgResult& result, int row);

// The opaque ListJobs cursor: the (created_at, job_id) of the last job returned.
std::string EncodeCursor(TimePoint created_at, const std::string& job_id);
Status DecodeCursor(const std::string& cursor, TimePoint* created_at, std::string* job_id);

}  // namespace a11y::pg
