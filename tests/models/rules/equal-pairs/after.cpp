#include <iostream>
#include <algorithm>
#include <string>
#include <vector>
using namespace std;

int a[200005];

int main() {
    int n;
    cin >> n;
    for (int i = 0; i < n; i++) cin >> a[i];
    long long same = 0;
    { const long long pie_n_1 = n; if (pie_n_1 > 0) { std::vector<int> pie_sorted_1(a, a + pie_n_1); std::sort(pie_sorted_1.begin(), pie_sorted_1.end()); for (std::size_t pie_i_1 = 0, pie_j_1 = 0; pie_i_1 < pie_sorted_1.size(); pie_i_1 = pie_j_1) { while (pie_j_1 < pie_sorted_1.size() && pie_sorted_1[pie_j_1] == pie_sorted_1[pie_i_1]) pie_j_1++; same += (pie_j_1 - pie_i_1) * (pie_j_1 - pie_i_1 - 1) / 2; } } }
    vector<string> names(n);
    for (int i = 0; i < n; i++) names[i] = to_string(a[i] % 3);
    int twins = 0;
    { const long long pie_n_2 = (int)names.size(); if (pie_n_2 > 0) { std::vector<std::basic_string<char>> pie_sorted_2(names.begin(), names.begin() + pie_n_2); std::sort(pie_sorted_2.begin(), pie_sorted_2.end()); for (std::size_t pie_i_2 = 0, pie_j_2 = 0; pie_i_2 < pie_sorted_2.size(); pie_i_2 = pie_j_2) { while (pie_j_2 < pie_sorted_2.size() && pie_sorted_2[pie_j_2] == pie_sorted_2[pie_i_2]) pie_j_2++; twins += (pie_j_2 - pie_i_2) * (pie_j_2 - pie_i_2 - 1) / 2; } } }
    cout << same << " " << twins << "\n";
}
