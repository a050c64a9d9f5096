#include "job.h"

namespace advect_napi {

Napi::Error status_error(Napi::Env env, const advect::Status& st) {
  if (st.code == advect::Code::invalid_argument) return Napi::TypeError::New(env, st.message);
  Napi::Error e = Napi::Error::New(env, st.message);
  e.Set("code", Napi::String::New(env, advect::code_name(st.code)));
  return e;
}

namespace {

advect::Status run_guarded(JobSpec& spec, JobContext& ctx) {
  try {
    return spec.run(ctx);
  } catch (const std::bad_alloc&) {
    return advect::Status::Error(advect::Code::too_large, "Out of memory while running the native job");
  } catch (const std::exception& e) {
    return advect::Status::Error(advect::Code::numeric, std::string("Native job failed: ") + e.what());
  }
}

class JobWorker : public Napi::AsyncProgressQueueWorker<ProgressMsg> {
 public:
  JobWorker(Napi::Env env, std::unique_ptr<JobSpec> spec, Napi::Value on_progress,
            std::shared_ptr<std::atomic<bool>> cancel)
      : Napi::AsyncProgressQueueWorker<ProgressMsg>(env, "advect:job"),
        spec_(std::move(spec)),
        deferred_(Napi::Promise::Deferred::New(env)),
        cancel_(std::move(cancel)) {
    if (on_progress.IsFunction()) on_progress_ = Napi::Persistent(on_progress.As<Napi::Function>());
  }

  void pin(const Napi::Value& v) {
    if (v.IsObject()) pins_.push_back(Napi::Persistent(v.As<Napi::Object>()));
  }
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute(const ExecutionProgress& progress) override {
    JobContext ctx;
    ctx.cancel = cancel_;
    if (!on_progress_.IsEmpty()) {
      const ExecutionProgress* p = &progress;
      ctx.report = [p](const ProgressMsg& m) { p->Send(&m, 1); };
    }
    status_ = run_guarded(*spec_, ctx);
  }

  void OnProgress(const ProgressMsg* data, size_t count) override {
    if (on_progress_.IsEmpty()) return;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    for (size_t i = 0; i < count; ++i) {
      Napi::Array arr = Napi::Array::New(env, 4);
      for (uint32_t k = 0; k < 4; ++k) arr.Set(k, Napi::Number::New(env, data[i].v[k]));
      try {
        on_progress_.Call({arr});
      } catch (const Napi::Error&) {
        // A throwing progress callback must not take the job down; the error is dropped.
      }
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (!status_.ok()) {
      deferred_.Reject(status_error(env, status_).Value());
    } else {
      try {
        deferred_.Resolve(spec_->result(env));
      } catch (const Napi::Error& e) {
        deferred_.Reject(e.Value());
      } catch (const std::bad_alloc&) {
        deferred_.Reject(status_error(env, advect::Status::Error(advect::Code::too_large, "Out of memory while building the result")).Value());
      } catch (const std::exception& e) {
        deferred_.Reject(status_error(env, advect::Status::Error(advect::Code::numeric, e.what())).Value());
      }
    }
    pins_.clear();
  }

  void OnError(const Napi::Error& e) override {
    deferred_.Reject(e.Value());
    pins_.clear();
  }

 private:
  std::unique_ptr<JobSpec> spec_;
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<std::atomic<bool>> cancel_;
  Napi::FunctionReference on_progress_;
  std::vector<Napi::ObjectReference> pins_;
  advect::Status status_;
};

}  // namespace

Napi::Value run_sync(Napi::Env env, std::unique_ptr<JobSpec> spec) {
  JobContext ctx;
  advect::Status st = run_guarded(*spec, ctx);
  if (!st.ok()) throw status_error(env, st);
  return spec->result(env);
}

Napi::Value run_async(Napi::Env env, std::unique_ptr<JobSpec> spec, Napi::Value on_progress,
                      const std::vector<Napi::Value>& pins) {
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  auto* worker = new JobWorker(env, std::move(spec), on_progress, cancel);
  for (const auto& v : pins) worker->pin(v);
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", worker->promise());
  handle.Set("cancel", Napi::Function::New(env, [cancel](const Napi::CallbackInfo& info) {
               cancel->store(true);
               return info.Env().Undefined();
             }));
  worker->Queue();
  return handle;
}

}  // namespace advect_napi
