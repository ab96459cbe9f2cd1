#include <cstdio>
#include <unordered_map>

long long fib(long long n);
long long pie_fib_body_1(long long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

long long fib(long long n) {
    static std::unordered_map<unsigned long long, long long> pie_memo_1;
    const unsigned long long pie_key_1 = (unsigned long long)(unsigned long long)(n);
    auto pie_found_1 = pie_memo_1.find(pie_key_1);
    if (pie_found_1 != pie_memo_1.end()) return pie_found_1->second;
    const long long pie_value_1 = pie_fib_body_1(n);
    pie_memo_1.emplace(pie_key_1, pie_value_1);
    return pie_value_1;
}

int main() {
    long long n;
    scanf("%lld", &n);
    printf("%lld\n", fib(n));
}
