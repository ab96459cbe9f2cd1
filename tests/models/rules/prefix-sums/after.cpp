#include <iostream>
#include <vector>
using namespace std;

int main() {
    int n, q;
    cin >> n >> q;
    vector<long long> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    { std::vector<unsigned long long> pie_prefix_1(a.size() + 1); for (std::size_t pie_k_1 = 0; pie_k_1 < a.size(); pie_k_1++) pie_prefix_1[pie_k_1 + 1] = pie_prefix_1[pie_k_1] + (unsigned long long)a[pie_k_1]; while (q--) {
        int l, r;
        cin >> l >> r;
        long long s = 0;
        if ((l) <= (r)) s += (long long)(pie_prefix_1[(r) + 1] - pie_prefix_1[l]);
        cout << s << "\n";
    } }
    int k = 3, best = 0;
    int b[8] = {5, 1, 4, 1, 5, 9, 2, 6};
    { std::vector<unsigned long long> pie_prefix_2(8 + 1); for (std::size_t pie_k_2 = 0; pie_k_2 < 8; pie_k_2++) pie_prefix_2[pie_k_2 + 1] = pie_prefix_2[pie_k_2] + (unsigned long long)b[pie_k_2]; for (int i = 0; i + k <= 8; i++) {
        int window = 0;
        if ((i) < (i + k)) window += (int)(pie_prefix_2[(i + k)] - pie_prefix_2[i]);
        if (window > best) best = window;
    } }
    cout << best << "\n";
}
