// What a client written against the generated types looks like. It is only type-checked
// (`tsc --noEmit`, in `npm run check`): if the OpenAPI document stops describing these calls,
// this file stops compiling.
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
export type PlanOut = Schemas["PlanOut"];
export type Problem = Schemas["Problem"];
export type ActionUpdate = Schemas["ActionUpdate"];
export type ActionOut = Schemas["ActionOut"];

type GetPlan = paths["/api/v1/conventions/{id}/plan"]["get"];
type UpdateAction = paths["/api/v1/actions/{id}"]["patch"];

// The document says what each status carries: the plan on 200, a problem on every error.
type PlanBody = GetPlan["responses"][200]["content"]["application/json"];
type NotFoundBody = GetPlan["responses"][404]["content"]["application/problem+json"];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const planIsPlanOut: Same<PlanBody, PlanOut> = true;
const notFoundIsProblem: Same<NotFoundBody, Problem> = true;
// @ts-expect-error the plan is read, never replaced: the document declares no PUT.
export type NoPut = paths["/api/v1/conventions/{id}/plan"]["put"]["responses"];
void planIsPlanOut;
void notFoundIsProblem;

/** A call's outcome: the body the document declares for success, or its problem document. */
export type Result<T> =
  | { ok: true; status: number; etag: string | null; body: T }
  | { ok: false; status: number; problem: Problem };

export interface Client {
  baseUrl: string;
  accessToken: string;
}

function url(client: Client, path: string, params: Record<string, string>): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
  return new URL(filled, client.baseUrl).toString();
}

async function read<T>(response: Response): Promise<Result<T>> {
  const type = response.headers.get("Content-Type") ?? "";
  if (response.ok) {
    return { ok: true, status: response.status, etag: response.headers.get("ETag"), body: (await response.json()) as T };
  }
  if (type.startsWith("application/problem+json")) {
    return { ok: false, status: response.status, problem: (await response.json()) as Problem };
  }
  // A proxy in between may answer with something else: present it as a problem all the same.
  return {
    ok: false,
    status: response.status,
    problem: { type: "about:blank", code: "unexpected_response", title: response.statusText, status: response.status, detail: type },
  };
}

/** `GET /api/v1/conventions/{id}/plan`: the whole plan with progress at every level. */
export async function getPlan(client: Client, path: GetPlan["parameters"]["path"]): Promise<Result<PlanOut>> {
  const response = await fetch(url(client, "/api/v1/conventions/{id}/plan", path), {
    headers: { Accept: "application/json", Authorization: `Bearer ${client.accessToken}` },
  });
  return read<PlanBody>(response);
}

/** `PATCH /api/v1/actions/{id}` (JSON Merge Patch), guarded by `If-Match`. */
export async function updateAction(
  client: Client,
  path: UpdateAction["parameters"]["path"],
  header: UpdateAction["parameters"]["header"],
  body: UpdateAction["requestBody"]["content"]["application/json"],
): Promise<Result<UpdateAction["responses"][200]["content"]["application/json"]>> {
  const response = await fetch(url(client, "/api/v1/actions/{id}", path), {
    method: "PATCH",
    headers: {
      Accept: "application/json",
      Authorization: `Bearer ${client.accessToken}`,
      "Content-Type": "application/json",
      "If-Match": header["If-Match"],
    },
    body: JSON.stringify(body),
  });
  return read(response);
}

/** The late actions of a plan: not done, and their end year is past. */
export function lateActions(plan: PlanOut, year: number): { code: string; title: string; pilots: string[] }[] {
  return plan.axes.flatMap((axis) =>
    axis.objectives.flatMap((objective) =>
      objective.actions
        .filter((action) => action.status !== "done" && action.end_year != null && action.end_year < year)
        .map((action) => ({ code: action.code, title: action.title, pilots: action.pilots.map((p) => p.partner_id) })),
    ),
  );
}

/** One line per problem, naming the fields at fault for validation errors. */
export function describe(problem: Problem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`);
  return [`${problem.status} ${problem.code}: ${problem.detail}`, ...fields].join("\n");
}

/** Mark an action done, re-reading it once if someone changed it in between (412). */
export async function finishAction(client: Client, id: string, etag: string): Promise<ActionOut | string> {
  const change: ActionUpdate = { status: "done", progress: 100 };
  const first = await updateAction(client, { id }, { "If-Match": etag }, change);
  if (first.ok) {
    return first.body;
  }
  if (first.problem.code === "precondition_failed" || first.status === 412) {
    const current = await fetch(url(client, "/api/v1/actions/{id}", { id }), {
      headers: { Authorization: `Bearer ${client.accessToken}` },
    });
    const again = await updateAction(client, { id }, { "If-Match": current.headers.get("ETag") ?? "*" }, change);
    return again.ok ? again.body : describe(again.problem);
  }
  return describe(first.problem);
}

export async function example(client: Client, conventionId: string): Promise<void> {
  const plan = await getPlan(client, { id: conventionId });
  if (!plan.ok) {
    console.error(describe(plan.problem));
    return;
  }
  const { convention, axes, progress } = plan.body;
  console.log(`${convention.name} (${convention.start_year}-${convention.end_year}): ${progress?.toFixed(0) ?? "-"} %`);
  for (const axis of axes) {
    const indicators = axis.objectives.flatMap((o) => o.actions.flatMap((a) => a.indicators));
    const measured = indicators.filter((i) => i.achievement != null).length;
    console.log(`  ${axis.number}. ${axis.title}: ${axis.progress ?? "-"} % (${measured}/${indicators.length} indicators measured)`);
  }
  for (const late of lateActions(plan.body, new Date().getFullYear())) {
    console.log(`  late: ${late.code} ${late.title}`);
  }

  // @ts-expect-error `status` only takes the contract's words.
  const wrong: ActionUpdate = { status: "finished" };
  void wrong;
}
