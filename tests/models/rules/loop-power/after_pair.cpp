#include <cstdio>

long long mod = 998244353;

int main() {
    long long b, n;
    scanf("%lld %lld", &b, &n);
    long long answer = 5;
    {  // answer times b to the power n, by squaring
        long long pie_n_1 = (long long)(n);
        if (pie_n_1 > 0) {
            long long pie_b_1 = (b) % (mod), pie_p_1 = 1 % (mod);
            while (pie_n_1 > 0) {
                if (pie_n_1 & 1) pie_p_1 = pie_p_1 * pie_b_1 % (mod);
                pie_b_1 = pie_b_1 * pie_b_1 % (mod);
                pie_n_1 >>= 1;
            }
            answer = answer % (mod) * pie_p_1 % (mod);
        }
    }
    printf("%lld\n", answer);
}
