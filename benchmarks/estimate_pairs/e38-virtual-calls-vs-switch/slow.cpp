#include <bits/stdc++.h>
using namespace std;

struct Op { virtual long long f(long long x) const = 0; virtual ~Op() {} };
struct A : Op { long long f(long long x) const override { return x + 3; } };
struct B : Op { long long f(long long x) const override { return x * 3 % 1000003; } };
struct C : Op { long long f(long long x) const override { return x ^ 0x5555; } };
int main() {
    int n; scanf("%d", &n); vector<unique_ptr<Op>> ops;
    for (int i = 0; i < n; i++) { int t; scanf("%d", &t); if (t == 0) ops.emplace_back(new A); else if (t == 1) ops.emplace_back(new B); else ops.emplace_back(new C); }
    long long x = 1; for (int r = 0; r < 20; r++) for (auto &o : ops) x = o->f(x);
    printf("%lld\n", x);
}
