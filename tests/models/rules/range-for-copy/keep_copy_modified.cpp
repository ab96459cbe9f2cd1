#include <iostream>
#include <string>
#include <vector>
using namespace std;

int main() {
    vector<string> words = {"b", "a"};
    for (auto w : words) {
        w += "!";
        cout << w << "\n";
    }
}
