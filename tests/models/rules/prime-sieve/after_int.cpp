#include <cstdio>
#include <vector>
#include <algorithm>
#include <cmath>

int prime(long long v);
int pie_prime_trial_1(long long v) {
    if (v == 0 || v == 1) return 0;
    if (v == 2) return 1;
    for (long long d = 2; d <= sqrt(v); ++d)
        if (!(v % d)) return 0;
    return 1;
}

int prime(long long v) {
    static std::vector<char> pie_composite_1;  // pie_composite_1[k]: k >= 2 is not prime
    if (v >= 2 && v < 33554432) {
        if ((std::size_t)v >= pie_composite_1.size()) {
            const std::size_t pie_size_1 = std::min<std::size_t>(std::max<std::size_t>(2 * (std::size_t)v, 1 << 16), 33554432);
            pie_composite_1.assign(pie_size_1, 0);
            for (std::size_t pie_p_1 = 2; pie_p_1 * pie_p_1 < pie_size_1; pie_p_1++)
                if (!pie_composite_1[pie_p_1])
                    for (std::size_t pie_q_1 = pie_p_1 * pie_p_1; pie_q_1 < pie_size_1; pie_q_1 += pie_p_1)
                        pie_composite_1[pie_q_1] = 1;
        }
        return pie_composite_1[v] ? (0) : (1);
    }
    return pie_prime_trial_1(v);
}

int main() {
    long long n, sum = 0;
    scanf("%lld", &n);
    for (long long k = 0; k <= n; k++)
        if (prime(k)) sum += k;
    printf("%lld\n", sum);
}
