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
    for (int i = 0; i < n; i++) {
        if (a[i] == *max_element(a.begin(), a.end())) at_max++;
        if ((long long)a[i] * n > accumulate(a.begin(), a.end(), 0LL)) above_mean++;
    }
    int target = a[0], repeats = 0;
    for (int i = 0; i < n; i++)
        if (count(a.begin(), a.end(), target) > 1 && a[i] != target) repeats++;
    cout << at_max << " " << above_mean << " " << repeats << "\n";
}
