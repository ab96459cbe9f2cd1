#include <algorithm>
#include <iostream>
#include <numeric>
#include <vector>
using namespace std;

int main() {
    int n;
    cin >> n;
    vector<int> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    int at_max = 0;
    long long above_mean = 0;
    { const auto pie_hoist_1 = max_element(a.begin(), a.end()); { const auto pie_hoist_2 = accumulate(a.begin(), a.end(), 0LL); for (int i = 0; i < n; i++) {
        if (a[i] == *pie_hoist_1) at_max++;
        if ((long long)a[i] * n > pie_hoist_2) above_mean++;
    } } }
    int target = a[0], repeats = 0;
    { const auto pie_hoist_3 = count(a.begin(), a.end(), target); for (int i = 0; i < n; i++)
        if (pie_hoist_3 > 1 && a[i] != target) repeats++; }
    cout << at_max << " " << above_mean << " " << repeats << "\n";
}
