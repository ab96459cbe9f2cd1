#include <iostream>

int main() {
    long long a, e, r = 1;
    std::cin >> a >> e;
    {  // r times a to the power n, by squaring
        long long pie_n_1 = (long long)(e);
        if (pie_n_1 > 0) {
            long long pie_b_1 = (a) % (100000000000LL), pie_p_1 = 1 % (100000000000LL);
            while (pie_n_1 > 0) {
                if (pie_n_1 & 1) pie_p_1 = (long long)((__int128)(pie_p_1) * (pie_b_1) % (100000000000LL));
                pie_b_1 = (long long)((__int128)(pie_b_1) * (pie_b_1) % (100000000000LL));
                pie_n_1 >>= 1;
            }
            r = (long long)((__int128)(r % (100000000000LL)) * (pie_p_1) % (100000000000LL));
        }
    }
    std::cout << r << "\n";
}
