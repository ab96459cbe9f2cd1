#include <iostream>
using namespace std;

int main() {
    long long a, e, m;
    cin >> a >> e >> m;
    long long r = 1;
    {  // r times a to the power n, by squaring
        long long pie_n_1 = (long long)(e);
        if (pie_n_1 > 0) {
            long long pie_b_1 = (a) % (m), pie_p_1 = 1 % (m);
            while (pie_n_1 > 0) {
                if (pie_n_1 & 1) pie_p_1 = (long long)((__int128)(pie_p_1) * (pie_b_1) % (m));
                pie_b_1 = (long long)((__int128)(pie_b_1) * (pie_b_1) % (m));
                pie_n_1 >>= 1;
            }
            r = (long long)((__int128)(r % (m)) * (pie_p_1) % (m));
        }
        e = -1;
    }
    cout << r << " " << e << "\n";
}
